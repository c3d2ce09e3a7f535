import Foundation

/// A tenant's monthly LLM cost budget (`budget.monthly_cost` in its settings, in the currency
/// of `llm.prices`; 0 or unset: none). At 80% the owners are warned; at 100% the tenant's chat
/// answers with the offline answerer instead of spending more, until the month ends.
public struct CostBudget: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        case none, within, warning, exhausted
    }

    public static let settingKey = "budget.monthly_cost"
    public static let warningShare = 0.8

    public var monthlyLimit: Double

    public init(monthlyLimit: Double) {
        self.monthlyLimit = monthlyLimit
    }

    public init(tenantSettings: JSONValue) {
        self.init(monthlyLimit: max(0, tenantSettings["budget"]?["monthly_cost"]?.doubleValue ?? 0))
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
