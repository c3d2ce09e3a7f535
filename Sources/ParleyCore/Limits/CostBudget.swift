import Foundation

/// A tenant's monthly LLM cost budget (`budget.monthly_cost` in its settings, in the currency
/// of `llm.prices`; 0 or unset: none). At 80% the owners are warned; at 100% the tenant's chat
/// answers with the offline answerer instead of spending more, until the month ends.
public struct CostBudget: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        case none, within, warning, exhausted
    }

    public static let settingKey = "budget.monthly_cost"
    /// What the chat answers instead of the offline answerer once the budget is spent (optional).
    public static let messageKey = "budget.exhausted_message"
    public static let messageLimit = 1000
    public static let warningShare = 0.8

    public var monthlyLimit: Double
    /// The tenant's own answer for visitors once the budget is spent (nil: the offline answerer).
    public var exhaustedMessage: String?

    public init(monthlyLimit: Double, exhaustedMessage: String? = nil) {
        self.monthlyLimit = monthlyLimit
        self.exhaustedMessage = exhaustedMessage
    }

    public init(tenantSettings: JSONValue) {
        let message = tenantSettings["budget"]?["exhausted_message"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        self.init(monthlyLimit: max(0, tenantSettings["budget"]?["monthly_cost"]?.doubleValue ?? 0), exhaustedMessage: message)
    }

    public var isSet: Bool { monthlyLimit > 0 }

    public func state(spent: Double) -> State {
        guard isSet else { return .none }
        if spent >= monthlyLimit { return .exhausted }
        return spent >= monthlyLimit * Self.warningShare ? .warning : .within
    }

    /// The first instant of the UTC month `instant` falls in.
    public static func monthStart(of instant: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: calendar.dateComponents([.year, .month], from: instant)) ?? instant
    }
}
