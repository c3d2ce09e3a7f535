import Foundation

/// LLM use of one tenant on one UTC day, for one agent and model.
public struct DailyUsage: Sendable, Equatable {
    /// `YYYY-MM-DD`, UTC.
    public var day: String
    /// The agent of the conversation the calls answered (`-` for calls outside a conversation).
    public var agent: String
    public var model: String
    public var calls: Int
    public var failedCalls: Int
    public var promptTokens: Int
    public var completionTokens: Int
    public var cost: Double

    public init(day: String, agent: String, model: String, calls: Int, failedCalls: Int, promptTokens: Int, completionTokens: Int, cost: Double) {
        self.day = day
        self.agent = agent
        self.model = model
        self.calls = calls
        self.failedCalls = failedCalls
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cost = cost
    }
}

/// Usage and cost read for the admin.
public protocol UsageReport: Sendable {
    /// Calls of the tenant from `from` (inclusive) to `to` (exclusive), by day, agent and model, oldest day first.
    func daily(tenant: TenantID, from: Date, to: Date) async throws -> [DailyUsage]
}
