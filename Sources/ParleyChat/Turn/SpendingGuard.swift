import Foundation
import ParleyCore

/// Knows how much of its monthly budget each tenant has spent, so that a chat turn can answer
/// offline once the budget is used up. The month-to-date cost is read from the LLM call log at
/// most every `refresh` per tenant (a turn must not pay a sum over the log), so a budget can be
/// passed by the turns of those few seconds; tenants without a budget cost nothing.
public actor SpendingGuard {
    private let spent: @Sendable (TenantID, Date) async throws -> Double
    private let refresh: Duration
    private var cache: [TenantID: (spent: Double, month: Date, read: ContinuousClock.Instant)] = [:]

    /// `spent(tenant, since)` is the tenant's LLM cost since an instant.
    public init(refresh: Duration = .seconds(10), spent: @escaping @Sendable (TenantID, Date) async throws -> Double) {
        self.spent = spent
        self.refresh = refresh
    }

    /// The tenant's budget state now. A tenant without a budget is answered here, without
    /// waiting for the actor (every chat turn asks).
    public nonisolated func state(of tenant: Tenant, now: Date = Date()) async throws -> (CostBudget.State, spent: Double, budget: CostBudget) {
        let budget = CostBudget(tenantSettings: tenant.settings)
        guard budget.isSet else { return (.none, 0, budget) }
        return try await budgeted(tenant, budget: budget, now: now)
    }

    private func budgeted(_ tenant: Tenant, budget: CostBudget, now: Date) async throws -> (CostBudget.State, spent: Double, budget: CostBudget) {
        let month = CostBudget.monthStart(of: now)
        let clock = ContinuousClock.now
        if let cached = cache[tenant.id], cached.month == month, cached.read.duration(to: clock) < refresh {
            return (budget.state(spent: cached.spent), cached.spent, budget)
        }
        let total = try await spent(tenant.id, month)
        if cache.count > 10_000 { cache.removeAll() }
        cache[tenant.id] = (total, month, clock)
        return (budget.state(spent: total), total, budget)
    }
}
