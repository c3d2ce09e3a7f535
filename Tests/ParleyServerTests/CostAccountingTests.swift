import Foundation
import NIOHTTP1
import ParleyCore
import ParleyLLM
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing

/// `llm_requests` rows match what the provider reported and the configured price table.
@Suite("Cost accounting")
struct CostAccountingTests {
    @Test(arguments: TestBackend.available)
    func rowsMatchUsageAndPrices(_ backend: TestBackend) async throws {
        let fake = try await FakeOpenAIServer.start()
        await fake.enqueue(.stream(tokens: ["One"], usage: TokenUsage(promptTokens: 1_200, completionTokens: 300)))
        await fake.enqueue(.status(429))
        await fake.enqueue(.stream(tokens: ["Two"], usage: TokenUsage(promptTokens: 2_500, completionTokens: 40)))
        let database = try await TestDatabase.make(backend)
        let server = try await ParleyTestServer.start(database, secrets: ParleySecrets(llmAPIKey: "sk-live-abcdefghijklmnop")) {
            $0.llm.baseURL = fake.baseURL
            $0.llm.model = "acme/priced-model"
            $0.llm.provider = "groq"
            $0.llm.retryBaseDelayMs = 5
            $0.llm.prices = ["acme/priced-model": ModelPrice(prompt: 2.0, completion: 6.0)]
        }
        defer { Task { await server.stop(); await fake.stop(); await database.destroy() } }

        let (_, key) = try await server.chatTurn("first")
        _ = try await server.chatTurn("second", sessionKey: key)
        let demo = try #require(try await server.stores.tenants.tenant(slug: "demo"))
        var rows = try await server.stores.llmLog.rows(tenant: demo.id)
        for _ in 0..<50 where rows.count < 2 {
            try await Task.sleep(for: .milliseconds(20))
            rows = try await server.stores.llmLog.rows(tenant: demo.id)
        }
        #expect(rows.count == 2)
        let first = try #require(rows.first)
        #expect(first.provider == "groq")
        #expect(first.model == "acme/priced-model")
        #expect(first.promptTokens == 1_200)
        #expect(first.completionTokens == 300)
        #expect(first.totalTokens == 1_500)
        #expect(first.unitCostPrompt == 2.0)
        #expect(first.unitCostCompletion == 6.0)
        #expect(abs((first.computedCost ?? -1) - (1_200 * 2.0 + 300 * 6.0) / 1_000_000) < 1e-12)
        #expect(first.succeeded)
        #expect(first.latencyMs >= 0)
        #expect(first.sessionID != nil)
        let second = try #require(rows.last)
        #expect(abs((second.computedCost ?? -1) - (2_500 * 2.0 + 40 * 6.0) / 1_000_000) < 1e-12)
        #expect(second.responseBody["attempts"] == .number(2))
        // The request body is stored, without the key.
        #expect(first.requestBody["model"]?.stringValue == "acme/priced-model")
        #expect(!first.requestBody.jsonString.contains("sk-live"))
        #expect(!second.responseBody.jsonString.contains("sk-live"))
    }
}
