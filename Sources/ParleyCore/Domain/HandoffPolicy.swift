import Foundation

/// A tenant's hand-over rules: `handoff.*` of parley.yaml under the tenant's own `handoff.*` settings.
public struct HandoffPolicy: Sendable, Equatable {
    /// An answer scoring below this escalates its conversation.
    public var escalateBelow: Double
    /// An answer scoring below this is withheld: the visitor gets `message` instead.
    public var refuseBelow: Double
    public var message: String
    /// When people answer chats (nil: always).
    public var hours: BusinessHours?

    public init(escalateBelow: Double = 0.6, refuseBelow: Double = 0.3, message: String = ParleyConfig.HandoffSection().message,
                hours: BusinessHours? = nil) {
        self.escalateBelow = escalateBelow
        self.refuseBelow = refuseBelow
        self.message = message
        self.hours = hours
    }

    /// Whether a person can be expected to pick up an escalation at `date`.
    public func isStaffed(at date: Date) -> Bool {
        hours?.isOpen(at: date) ?? true
    }

    /// The configuration's rules, each replaced by the tenant's setting when that is valid (a
    /// threshold in [0, 1], a message of 1 to 1,000 characters); the tenant's business hours.
    public init(config: ParleyConfig.HandoffSection, tenantSettings: JSONValue) {
        func threshold(_ key: String, _ fallback: Double) -> Double {
            guard let value = tenantSettings["handoff"]?[key]?.doubleValue, (0 ... 1).contains(value) else { return fallback }
            return value
        }
        let own = tenantSettings["handoff"]?["message"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines)
        self.init(escalateBelow: threshold("escalate_below", config.escalateBelow), refuseBelow: threshold("refuse_below", config.refuseBelow),
                  message: own.flatMap { (1 ... 1000).contains($0.count) ? $0 : nil } ?? config.message,
                  hours: tenantSettings["handoff"]?["hours"]?.stringValue.flatMap { hours in
                      try? BusinessHours.parse(hours, timeZone: tenantSettings["handoff"]?["timezone"]?.stringValue ?? "UTC").get()
                  })
    }
}

/// The tenant settings of the hand-over, as `parley tenant settings` and the admin API set them.
public enum HandoffSettings {
    public static let escalateKey = "handoff.escalate_below"
    public static let refuseKey = "handoff.refuse_below"
    public static let messageKey = "handoff.message"
    public static let hoursKey = "handoff.hours"
    public static let timeZoneKey = "handoff.timezone"
    public static let settingKeys = [escalateKey, refuseKey, messageKey, hoursKey, timeZoneKey]

    /// The stored value of `key` from its text, or why it is refused.
    public static func parse(_ key: String, _ value: String) -> Result<JSONValue, BusinessHours.Invalid> {
        switch key {
        case escalateKey, refuseKey:
            guard let number = Double(value), (0 ... 1).contains(number) else {
                return .failure(.init(description: "\(key) must be a number from 0 to 1, like 0.6"))
            }
            return .success(.number(number))
        case messageKey:
            guard (1 ... 1000).contains(value.count) else { return .failure(.init(description: "\(key) must be 1 to 1000 characters")) }
            return .success(.string(value))
        case hoursKey:
            return BusinessHours.parse(value).map { _ in .string(value) }
        default:
            guard TimeZone(identifier: value) != nil else {
                return .failure(.init(description: "\(key) must be a time zone like Europe/Amsterdam"))
            }
            return .success(.string(value))
        }
    }
}
