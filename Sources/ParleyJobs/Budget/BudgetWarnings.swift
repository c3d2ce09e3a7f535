import Foundation
import Logging
import ParleyCore

/// Warns a tenant's owners by e-mail once a month, when its LLM spending reaches 80% of its
/// monthly budget (`budget.monthly_cost`), before the chat switches to the offline answerer at
/// 100%, as a recurring job every ten minutes (`budget.warnings`). The e-mails go to the outbox (`email_events`); a month with a warning queued for the
/// tenant gets no second one, so running this again (any worker, any number of times) is harmless.
public struct BudgetWarnings: PeriodicWork {
    public static let kind = "budget_warning"
    public static let jobKind: JobKind = "budget.warnings"
    public static let period: Duration = .seconds(600)

    private let tenants: any TenantDirectory
    private let accounts: any AccountStore
    private let outbox: any EmailOutbox
    private let spent: @Sendable (TenantID, Date) async throws -> Double
    private let logger: Logger

    /// `spent(tenant, since)` is the tenant's LLM cost since an instant.
    public init(tenants: any TenantDirectory, accounts: any AccountStore, outbox: any EmailOutbox,
                logger: Logger = Logger(label: "parley.budget"), spent: @escaping @Sendable (TenantID, Date) async throws -> Double) {
        self.tenants = tenants
        self.accounts = accounts
        self.outbox = outbox
        self.spent = spent
        self.logger = logger
    }

    /// Checks every active tenant with a budget; returns how many e-mails were queued.
    @discardableResult
    public func run(now: Date = Date()) async throws -> Int {
        let month = CostBudget.monthStart(of: now)
        var queued = 0
        for tenant in try await tenants.allTenants() where tenant.isActive {
            let budget = CostBudget(tenantSettings: tenant.settings)
            guard budget.isSet else { continue }
            let spending = try await spent(tenant.id, month)
            let state = budget.state(spent: spending)
            guard state == .warning || state == .exhausted else { continue }
            guard try await !outbox.hasQueued(kind: Self.kind, tenant: tenant.id, since: month) else { continue }
            let owners = try await accounts.members(of: tenant.id).filter { $0.role == .owner && $0.user.isActive }.map(\.user)
            for owner in owners {
                try await outbox.queue(Self.email(to: owner, tenant: tenant, spent: spending, budget: budget, now: now))
                queued += 1
            }
            logger.notice("budget warning queued", metadata: ["event": "budget_warning", "tenant": "\(tenant.slug)",
                                                              "owners": "\(owners.count)", "state": "\(state.rawValue)"])
        }
        return queued
    }

    static func email(to owner: AdminUser, tenant: Tenant, spent: Double, budget: CostBudget, now: Date) -> OutgoingEmail {
        let share = Int((spent / budget.monthlyLimit * 100).rounded(.down))
        let money = { (value: Double) in String(format: "%.2f", value) }
        let text = """
            Hello \(owner.displayName),

            \(tenant.name) has used \(share)% of its monthly budget for AI answers: \(money(spent)) of \(money(budget.monthlyLimit)) \
            this month (UTC).

            When the whole budget is used, the chat keeps answering visitors, but from the knowledge base alone (the offline \
            answerer) instead of the AI model, until the month ends or the budget is raised. The budget and the month's usage \
            are on the panel's Usage page for \(tenant.slug): /admin/t/\(tenant.slug)/usage

            You receive this because you are an owner of \(tenant.name) on Parley.
            """
        return OutgoingEmail(tenantID: tenant.id, kind: kind, to: owner.email,
                             subject: "\(tenant.name) has used \(share)% of its monthly AI budget", text: text)
    }
}
