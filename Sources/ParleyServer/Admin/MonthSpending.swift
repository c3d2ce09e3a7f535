import Fluent
import Foundation
import ParleyCore
import ParleyStore
import Vapor

/// A tenant's LLM cost this UTC month against its budget, read from the call log (not the chat
/// turn's cached `SpendingGuard`: people reading the figure want it exact).
struct MonthSpending {
    var month: Date
    var spent: Double
    var budget: CostBudget
    var state: CostBudget.State { budget.state(spent: spent) }
}

extension Request {
    func monthSpending(_ tenant: Tenant, now: Date = Date()) async throws -> MonthSpending {
        let month = CostBudget.monthStart(of: now)
        let spent = try await FluentLLMRequestLog(database: db(.parley)).cost(tenant: tenant.id, since: month)
        return MonthSpending(month: month, spent: spent, budget: CostBudget(tenantSettings: tenant.settings))
    }
}
