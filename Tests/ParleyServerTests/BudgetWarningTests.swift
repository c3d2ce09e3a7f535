import Fluent
import Foundation
import ParleyAccounts
import ParleyChat
import ParleyCore
import ParleyJobs
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing

/// At 80% of a tenant's monthly budget its owners (not viewers, not other tenants' people) get
/// one e-mail in the outbox a month; under 80%, without a budget, or switched off: none.
@Suite("Budget warnings")
struct BudgetWarningTests {
    @Test(arguments: TestBackend.available)
    func ownersAreWarnedOnceAMonthAtEightyPercent(_ backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend, adjust: { $0.app.seedDemo = false }) { server in
            let provisioner = server.services.provisioner(server.stores)
            let acme = try await provisioner.createTenant(name: "Acme", slug: "acme").tenant
            let other = try await provisioner.createTenant(name: "Other", slug: "other").tenant
            _ = try await provisioner.editSettings(slug: "acme", assignments: ["budget.monthly_cost=1"], removals: [])
            _ = try await provisioner.editSettings(slug: "other", assignments: ["budget.monthly_cost=1"], removals: [])
            let people = AdminTestPeople(server: server)
            for (email, tenant, role) in [("one@acme.example", acme.id, AdminRole.owner), ("two@acme.example", acme.id, .owner),
                                          ("viewer@acme.example", acme.id, .viewer), ("owner@other.example", other.id, .owner)] {
                _ = try await people.accounts.create(email: email, displayName: email, password: "test password 123", membership: (tenant, role))
            }
            let database = server.app.db(.parley)
            let log = FluentLLMRequestLog(database: database)
            func spend(_ cost: Double, _ tenant: TenantID) async throws {
                try await log.append(LLMCallRecord(tenantID: tenant, sessionID: nil, provider: "test", model: "m", requestBody: [:], responseBody: [:],
                                                   usage: TokenUsage(promptTokens: 10, completionTokens: 10), cost: cost, latencyMs: 5, succeeded: true))
            }
            let warnings = server.services.budgetWarnings(on: database)
            let outbox = FluentEmailOutbox(database: database)

            try await spend(0.5, acme.id)
            try await spend(0.5, other.id)
            #expect(try await warnings.run() == 0, "50% warns no one")
            try await spend(0.35, acme.id)
            #expect(try await warnings.run() == 2)
            let sent = try await outbox.recent(tenant: acme.id, limit: 10)
            #expect(Set(sent.map(\.to)) == ["one@acme.example", "two@acme.example"])
            #expect(sent.allSatisfy { $0.kind == BudgetWarnings.kind && $0.status == "outbox" && $0.subject.contains("85%") })
            #expect(try await outbox.recent(tenant: other.id, limit: 10).isEmpty)
            #expect(try await warnings.run() == 0, "once a month")
            let panel = try await people.panelSession("three@acme.example", acme.id, .owner)
            #expect(String(decoding: try await panel.get("/admin/t/acme/usage").body, as: UTF8.self).contains("The owners were e-mailed on"))
            try await spend(0.5, acme.id)
            #expect(try await warnings.run() == 0, "not again when the budget is spent")

            // Next month the count starts again from nothing.
            let nextMonth = Calendar(identifier: .gregorian).date(byAdding: .day, value: 32, to: Date())!
            #expect(try await warnings.run(now: nextMonth) == 0)
            // A switched-off tenant is not warned.
            try await spend(0.4, other.id)
            try await server.stores.tenants.setActive(other.id, false)
            #expect(try await warnings.run() == 0)
        }
    }
}
