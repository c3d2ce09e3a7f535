import Foundation

/// Edits a tenant's settings document one `key=value` at a time, refusing unknown keys and
/// invalid values with a message naming them, so what the widget and CORS read is always valid.
///
/// Keys: `allowed_origins` (comma-separated origins or a JSON array; `*` for any),
/// `consent_required` and `allow_basic_html` (true/false), `terms_version`, and the widget's
/// appearance `widget.title`, `widget.greeting`, `widget.color`, `widget.position`,
/// `widget.avatar`, `widget.language`, `widget.unsure_marker` (true/false), and the chat turn rates `limits.visitor_per_minute`,
/// `limits.visitor_per_day`, `limits.ip_per_minute`, `limits.ip_per_day`,
/// `limits.tenant_per_minute`, `limits.tenant_per_day` (0: no limit), and the knowledge base's
/// quotas `quotas.sources`, `quotas.chunks`, `quotas.stored_bytes`, `quotas.crawl_pages_per_day`,
/// the leads settings `leads.recipients`, `leads.email_on_inactivity`, `leads.form`, `leads.form_fields`,
/// and the hand-over's `handoff.escalate_below`, `handoff.refuse_below`, `handoff.message`,
/// `handoff.hours` (`mon-fri 09:00-17:00; sat 10:00-14:00`) and `handoff.timezone`.
public struct TenantSettingsEditor: Sendable {
    public struct InvalidSetting: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    public static let keys = ["allowed_origins", "consent_required", "terms_version", "allow_basic_html",
                              "widget.title", "widget.greeting", "widget.color", "widget.position",
                              "widget.avatar", "widget.language", "widget.unsure_marker"] + TurnRateLimits.settingKeys + KnowledgeQuota.settingKeys + [CostBudget.settingKey, CostBudget.messageKey]
        + LeadSettings.settingKeys + HandoffSettings.settingKeys

    /// Settings that are whole numbers from 0, with their largest value and what 0 means.
    static let wholeNumberKeys: [String: (largest: Int, zero: String)] =
        Dictionary(uniqueKeysWithValues: TurnRateLimits.settingKeys.map { ($0, (TurnRateLimits.largestSetting, "no limit")) }
            + KnowledgeQuota.settingKeys.map { ($0, (KnowledgeQuota.largestSetting, "no quota")) })

    public private(set) var settings: JSONValue

    public init(settings: JSONValue) {
        if case .object = settings { self.settings = settings } else { self.settings = .object([:]) }
    }

    /// Applies `key=value`.
    public mutating func apply(_ assignment: String) throws(InvalidSetting) {
        guard let equals = assignment.firstIndex(of: "=") else {
            throw InvalidSetting(description: "'\(Self.clipped(assignment))' is not key=value")
        }
        let key = String(assignment[..<equals]).trimmingCharacters(in: .whitespaces)
        try set(key, to: String(assignment[assignment.index(after: equals)...]))
    }

    public mutating func set(_ key: String, to raw: String) throws(InvalidSetting) {
        settings = settings.replacing(at: Self.path(key), with: try Self.parse(key, raw))
    }

    public mutating func unset(_ key: String) throws(InvalidSetting) {
        guard Self.keys.contains(key) else { throw Self.unknown(key) }
        settings = settings.replacing(at: Self.path(key), with: nil)
    }

    // MARK: - Values

    private static func parse(_ key: String, _ raw: String) throws(InvalidSetting) -> JSONValue {
        let value = raw.trimmingCharacters(in: .whitespaces)
        switch key {
        case "allowed_origins":
            return .array(try origins(value).map(JSONValue.string))
        case "consent_required", "allow_basic_html", "widget.unsure_marker":
            guard let flag = Bool(settingWord: value) else { throw InvalidSetting(description: "\(key) must be true or false") }
            return .bool(flag)
        case "terms_version":
            guard (1...32).contains(value.count), value.allSatisfy({ $0.isLetter || $0.isNumber || ".-_".contains($0) }) else {
                throw InvalidSetting(description: "terms_version must be 1 to 32 letters, digits, '.', '-' or '_'")
            }
            return .string(value)
        case "widget.title", "widget.greeting":
            let limit = key == "widget.title" ? WidgetAppearance.titleLimit : WidgetAppearance.greetingLimit
            let text = raw.replacingOccurrences(of: "\\n", with: "\n")
            guard WidgetAppearance.isPlainText(text, limit: limit) else {
                throw InvalidSetting(description: "\(key) must be 1 to \(limit) characters of text")
            }
            return .string(text)
        case "widget.color":
            guard WidgetAppearance.isColor(value) else {
                throw InvalidSetting(description: "widget.color must be a hex colour like #1f5fbf")
            }
            return .string(value)
        case "widget.position":
            guard WidgetAppearance.Position(rawValue: value) != nil else {
                throw InvalidSetting(description: "widget.position must be right or left")
            }
            return .string(value)
        case "widget.avatar":
            guard WidgetAppearance.isImageURL(value) else {
                throw InvalidSetting(description: "widget.avatar must be an http(s) image URL")
            }
            return .string(value)
        case "widget.language":
            guard WidgetAppearance.languages.contains(value) else {
                throw InvalidSetting(description: "widget.language must be one of \(WidgetAppearance.languages.sorted().joined(separator: ", "))")
            }
            return .string(value)
        case CostBudget.messageKey:
            guard WidgetAppearance.isPlainText(value, limit: CostBudget.messageLimit) else {
                throw InvalidSetting(description: "\(key) must be plain text of at most \(CostBudget.messageLimit) characters")
            }
            return .string(value)
        case CostBudget.settingKey:
            guard let amount = Double(value), amount.isFinite, (0 ... 1_000_000_000).contains(amount) else {
                throw InvalidSetting(description: "\(key) must be an amount from 0 (no budget) to 1000000000, like 50 or 12.5")
            }
            return .number(amount)
        case LeadSettings.recipientsKey:
            return .array(try LeadSettings.parseRecipients(value).get().map(JSONValue.string))
        case LeadSettings.formFieldsKey:
            return .array(try LeadSettings.parseFormFields(value).get().map(JSONValue.string))
        case _ where HandoffSettings.settingKeys.contains(key):
            switch HandoffSettings.parse(key, value) {
            case .success(let parsed): return parsed
            case .failure(let invalid): throw InvalidSetting(description: invalid.description)
            }
        case LeadSettings.inactivityKey, LeadSettings.formKey:
            guard let flag = Bool(settingWord: value) else { throw InvalidSetting(description: "\(key) must be true or false") }
            return .bool(flag)
        case _ where wholeNumberKeys[key] != nil:
            let (largest, zero) = wholeNumberKeys[key]!
            guard let number = Int(value), (0 ... largest).contains(number) else {
                throw InvalidSetting(description: "\(key) must be a whole number from 0 (\(zero)) to \(largest)")
            }
            return .number(Double(number))
        default:
            throw unknown(key)
        }
    }

    /// A list setting's items: a JSON array of strings, or a comma-separated list (items trimmed).
    public static func listItems(_ value: String, key: String) throws(InvalidSetting) -> [String] {
        guard value.hasPrefix("[") else { return value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        guard let parsed = JSONValue.parse(Data(value.utf8))?.arrayValue, parsed.allSatisfy({ $0.stringValue != nil }) else {
            throw InvalidSetting(description: "\(key) must be a JSON array of strings or a comma-separated list")
        }
        return parsed.compactMap(\.stringValue)
    }

    private static func origins(_ value: String) throws(InvalidSetting) -> [String] {
        let items = try listItems(value, key: "allowed_origins")
        var result: [String] = []
        for item in items.map({ WebOrigin.normalised($0) }) where !item.isEmpty {
            guard item == "*" || WebOrigin.isWellFormed(item) else {
                throw InvalidSetting(description: "allowed_origins: '\(clipped(item))' is not an origin like https://shop.example.com")
            }
            if !result.contains(item) { result.append(item) }
        }
        return result
    }

    /// `widget.color` is `color` inside the `widget` object.
    private static func path(_ key: String) -> [String] { key.split(separator: ".").map(String.init) }

    private static func unknown(_ key: String) -> InvalidSetting {
        InvalidSetting(description: "unknown setting '\(clipped(key))' (known: \(keys.joined(separator: ", ")))")
    }

    private static func clipped(_ text: String) -> String {
        text.count > 60 ? String(text.prefix(60)) + "…" : text
    }
}

extension JSONValue {
    /// A tenant's whole-number setting `section.name` (as `TenantSettingsEditor` writes it), at
    /// most `largest`; nil when the tenant has not set it (or holds something else there).
    public func wholeNumberSetting(_ section: String, _ name: String, largest: Int) -> Int? {
        guard let number = self[section]?[name]?.doubleValue, number >= 0 else { return nil }
        return Int(min(number, Double(largest)))
    }
}
