import Fluent
import Foundation
import NIOHTTP1
import ParleyAccounts
import ParleyChat
import ParleyCore
import ParleyLLM
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing

/// A tenant's monthly cost budget: once its LLM calls have cost the budget, its chat answers
/// with the offline answerer and the model server sees no more calls; the admin API shows it.
@Suite("Cost budgets")
struct BudgetTests {
    @Test(arguments: TestBackend.available)
    func aTenantOverBudgetIsAnsweredOfflineWithoutAnLLMCall(_ backend: TestBackend) async throws {
        let fake = try await FakeOpenAIServer.start()
        await fake.enqueue(.stream(tokens: ["Paid ", "answer."], usage: TokenUsage(promptTokens: 1000, completionTokens: 1000)))
        defer { Task { await fake.stop() } }
        try await ParleyTestServer.with(backend, secrets: ParleySecrets(llmAPIKey: "sk-test-key-123456"), adjust: { config in
            config.llm.baseURL = fake.baseURL
            config.llm.model = "priced-model"
            config.llm.prices = ["priced-model": .init(prompt: 10, completion: 10)]   // 2,000 tokens cost 0.02
        }) { server in
            let first = try await server.chatTurn("What plans do you offer?")
            #expect(first.events.filter { $0.event == "token" }.compactMap { $0.json["text"]?.stringValue }.joined() == "Paid answer.")
            #expect(await fake.received().count == 1)

            let provisioner = server.services.provisioner(server.stores)
            _ = try await provisioner.editSettings(slug: "demo", assignments: ["budget.monthly_cost=0.015"], removals: [])
            let second = try await server.chatTurn("Do you have a free trial?", sessionKey: first.sessionKey)
            #expect(second.events.last?.event == "done")
            #expect(!second.events.filter { $0.event == "token" }.isEmpty, "the visitor still gets an answer")
            #expect(await fake.received().count == 1, "no call reached the model server once the budget was spent")

            let demo = try await provisioner.tenant(slug: "demo")
            let token = try await AdminTestPeople(server: server).token("v@demo.example", demo.id, .viewer).token
            let usage = try await server.send(.GET, "/api/v1/admin/tenants/demo/usage", headers: [("Authorization", "Bearer \(token)")])
            #expect(usage.json["state"]?.stringValue == "exhausted", "\(usage.json)")
            #expect(abs((usage.json["spent"]?.doubleValue ?? 0) - 0.02) < 1e-9)
            #expect(usage.json["budget"]?.doubleValue == 0.015)

            // The tenant's own message instead of the offline answer, still without a model call.
            _ = try await provisioner.editSettings(slug: "demo", assignments: ["budget.exhausted_message=Our assistant is resting until next month. Mail us!"],
                                                   removals: [])
            let third = try await server.chatTurn("Can I book a test ride?", sessionKey: first.sessionKey)
            #expect(third.events.filter { $0.event == "token" }.compactMap { $0.json["text"]?.stringValue }.joined()
                == "Our assistant is resting until next month. Mail us!")
            #expect(await fake.received().count == 1)

            // Raising the budget lets the model answer again.
            _ = try await provisioner.editSettings(slug: "demo", assignments: ["budget.monthly_cost=5"], removals: [])
            await fake.enqueue(.stream(tokens: ["Paid ", "again."], usage: TokenUsage(promptTokens: 10, completionTokens: 2)))
            _ = try await server.chatTurn("And the team plan?", sessionKey: first.sessionKey)
            #expect(await fake.received().count == 2)
        }
    }

    @Test func budgetStatesAndSettings() throws {
        let budget = CostBudget(monthlyLimit: 10)
        #expect(budget.state(spent: 7.9) == .within && budget.state(spent: 8) == .warning && budget.state(spent: 10) == .exhausted)
        #expect(CostBudget(monthlyLimit: 0).state(spent: 1_000) == CostBudget.State.none)
        var editor = TenantSettingsEditor(settings: .object([:]))
        try editor.apply("budget.monthly_cost=12.5")
        #expect(CostBudget(tenantSettings: editor.settings).monthlyLimit == 12.5)
        try editor.apply("budget.exhausted_message=Back next month.")
        #expect(CostBudget(tenantSettings: editor.settings).exhaustedMessage == "Back next month.")
        for bad in ["budget.monthly_cost=-1", "budget.monthly_cost=lots", "budget.monthly_cost=nan", "budget.monthly_cost=1e12",
                    "budget.exhausted_message=<script>x</script>\u{7}", "budget.exhausted_message=" + String(repeating: "x", count: 1001)] {
            #expect(throws: TenantSettingsEditor.InvalidSetting.self) { try editor.apply(bad) }
        }
        let instant = Date(timeIntervalSince1970: 1_796_000_000)   // 2026-11-30
        #expect(CostBudget.monthStart(of: instant) == Date(timeIntervalSince1970: 1_793_491_200))   // 2026-11-01T00:00:00Z
    }
}
