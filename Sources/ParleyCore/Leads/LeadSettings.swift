import Foundation

/// A tenant's lead settings (in its settings document): who gets lead e-mails
/// (`leads.recipients`, up to 10 addresses; `email.mock_sales_recipient` when unset), whether a
/// conversation that ends in silence is e-mailed when the visitor left a way to reach them
/// (`leads.email_on_inactivity`, default true), and the widget's lead form: on or off
/// (`leads.form`, default on) and its fields (`leads.form_fields`, from name, email, phone,
/// company, note; default name, email, phone, note; e-mail or phone is always asked).
public struct LeadSettings: Sendable, Equatable {
    public static let recipientsKey = "leads.recipients"
    public static let inactivityKey = "leads.email_on_inactivity"
    public static let formKey = "leads.form"
    public static let formFieldsKey = "leads.form_fields"
    public static let settingKeys = [recipientsKey, inactivityKey, formKey, formFieldsKey]
    /// The fields a lead form may ask for, in the order it shows them.
    public static let formFieldChoices: [LeadProfile.Key] = [.name, .email, .phone, .company, .note]
    public static let defaultFormFields: [LeadProfile.Key] = [.name, .email, .phone, .note]
    public static let maxRecipients = 10

    public var recipients: [String]
    public var emailOnInactivity: Bool
    public var formEnabled: Bool
    public var formFields: [LeadProfile.Key]

    public init(tenantSettings: JSONValue, defaultRecipient: String) {
        let named = (tenantSettings["leads"]?["recipients"]?.arrayValue ?? []).compactMap(\.stringValue).compactMap(EmailAddress.normalised)
        recipients = named.isEmpty ? [EmailAddress.normalised(defaultRecipient)].compactMap { $0 } : Array(named.prefix(Self.maxRecipients))
        emailOnInactivity = tenantSettings["leads"]?["email_on_inactivity"]?.boolValue ?? true
        formEnabled = tenantSettings["leads"]?["form"]?.boolValue ?? true
        let asked = Set((tenantSettings["leads"]?["form_fields"]?.arrayValue ?? []).compactMap(\.stringValue))
        formFields = asked.isEmpty ? Self.defaultFormFields : Self.formFieldChoices.filter { asked.contains($0.rawValue) }
    }

    /// `name,email,phone` (or a JSON array) as a settings value; e-mail and phone are always kept.
    public static func parseFormFields(_ raw: String) -> Result<[String], TenantSettingsEditor.InvalidSetting> {
        let items: [String]
        do { items = try TenantSettingsEditor.listItems(raw, key: formFieldsKey) } catch { return .failure(error) }
        let allowed = formFieldChoices.map(\.rawValue)
        for item in items where !item.isEmpty && !allowed.contains(item) {
            return .failure(.init(description: "\(formFieldsKey): '\(item.prefix(40))' is not one of \(allowed.joined(separator: ", "))"))
        }
        let chosen = Set(items + ["email", "phone"])
        return .success(allowed.filter { chosen.contains($0) })
    }

    /// `a@x.com, b@y.com` (or a JSON array) as a settings value, or a message naming the first bad address.
    public static func parseRecipients(_ raw: String) -> Result<[String], TenantSettingsEditor.InvalidSetting> {
        let items: [String]
        do { items = try TenantSettingsEditor.listItems(raw, key: recipientsKey) } catch { return .failure(error) }
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
