import Foundation

/// A tenant's lead settings (in its settings document): who gets lead e-mails
/// (`leads.recipients`, up to 10 addresses; `email.mock_sales_recipient` when unset) and whether a
/// conversation that ends in silence is e-mailed when the visitor left a way to reach them
/// (`leads.email_on_inactivity`, default true).
public struct LeadSettings: Sendable, Equatable {
    public static let recipientsKey = "leads.recipients"
    public static let inactivityKey = "leads.email_on_inactivity"
    public static let settingKeys = [recipientsKey, inactivityKey]
    public static let maxRecipients = 10

    public var recipients: [String]
    public var emailOnInactivity: Bool

    public init(tenantSettings: JSONValue, defaultRecipient: String) {
        let named = (tenantSettings["leads"]?["recipients"]?.arrayValue ?? []).compactMap(\.stringValue).compactMap(EmailAddress.normalised)
        recipients = named.isEmpty ? [EmailAddress.normalised(defaultRecipient)].compactMap { $0 } : Array(named.prefix(Self.maxRecipients))
        emailOnInactivity = tenantSettings["leads"]?["email_on_inactivity"]?.boolValue ?? true
    }

    /// `a@x.com, b@y.com` (or a JSON array) as a settings value, or a message naming the first bad address.
    public static func parseRecipients(_ raw: String) -> Result<[String], TenantSettingsEditor.InvalidSetting> {
        var items = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if raw.hasPrefix("[") {
            guard let list = JSONValue.parse(Data(raw.utf8))?.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                return .failure(.init(description: "\(recipientsKey) must be a JSON array of addresses or a comma-separated list"))
            }
            items = list.compactMap(\.stringValue)
        }
        var result: [String] = []
        for item in items where !item.isEmpty {
            guard let address = EmailAddress.normalised(item) else {
                return .failure(.init(description: "\(recipientsKey): '\(item.prefix(60))' is not an e-mail address"))
            }
            if !result.contains(address) { result.append(address) }
        }
        guard result.count <= maxRecipients else {
            return .failure(.init(description: "\(recipientsKey) takes at most \(maxRecipients) addresses"))
        }
        return .success(result)
    }
}
