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

/// Usage by day, agent and model, as JSON and as a CSV a spreadsheet opens safely.
@Suite("Admin usage API")
struct AdminUsageAPITests {
    @Test(arguments: TestBackend.available)
    func dailyUsageSumsCallsTokensAndCost(_ backend: TestBackend) async throws {
        let fake = try await FakeOpenAIServer.start()
        for _ in 0 ..< 2 { await fake.enqueue(.stream(tokens: ["Answer."], usage: TokenUsage(promptTokens: 100, completionTokens: 20))) }
        defer { Task { await fake.stop() } }
        try await ParleyTestServer.with(backend, secrets: ParleySecrets(llmAPIKey: "sk-test-key-123456"), adjust: { config in
            config.llm.baseURL = fake.baseURL
            config.llm.model = "=HYPERLINK(\"http://evil.example\")"
            config.llm.prices = ["=HYPERLINK(\"http://evil.example\")": .init(prompt: 1000, completion: 2000)]
        }) { server in
            let first = try await server.chatTurn("What plans do you offer?")
            _ = try await server.chatTurn("And delivery?", sessionKey: first.sessionKey)
            let provisioner = server.services.provisioner(server.stores)
            let demo = try await provisioner.tenant(slug: "demo")
            let other = try await provisioner.createTenant(name: "Other", slug: "other").tenant
            let people = AdminTestPeople(server: server)
            let viewer = try await people.token("v@demo.example", demo.id, .viewer).token
            let stranger = try await people.token("s@other.example", other.id, .owner).token
            func get(_ query: String, as token: String = viewer) async throws -> ParleyTestServer.Reply {
                try await server.send(.GET, "/api/v1/admin/tenants/demo/usage/daily" + query, headers: [("Authorization", "Bearer \(token)")])
            }
            let report = try await get("")
            let rows = try #require(report.json["rows"]?.arrayValue)
            #expect(rows.count == 1, "\(report.json)")
            #expect(rows.first?["agent"]?.stringValue == "sales" && rows.first?["calls"]?.doubleValue == 2)
            #expect(rows.first?["prompt_tokens"]?.doubleValue == 200 && rows.first?["completion_tokens"]?.doubleValue == 40)
            // 200 prompt tokens at 1,000 and 40 completion tokens at 2,000 per million.
            #expect(abs((rows.first?["cost"]?.doubleValue ?? 0) - 0.28) < 1e-9)
            let today = ISO8601DateFormatter()
            today.formatOptions = [.withFullDate]
            #expect(rows.first?["day"]?.stringValue == today.string(from: Date()))

            let csv = try await get("?format=csv")
            #expect(csv.headers.first(name: "Content-Type")?.hasPrefix("text/csv") == true)
            #expect(csv.headers.first(name: "Content-Disposition")?.contains("attachment") == true)
            let lines = String(decoding: csv.body, as: UTF8.self).split(separator: "\r\n").map(String.init)
            #expect(lines.first == "day,agent,model,calls,failed_calls,prompt_tokens,completion_tokens,cost")
            #expect(lines.count == 2 && lines[1].contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\""),
                    "a formula is defused and quoted: \(lines)")

            for bad in ["?from=2026-12-05&to=2026-01-01", "?from=2020-01-01&to=2026-01-01", "?format=xml", "?from=soon"] {
                #expect(try await get(bad).status == 400, "\(bad)")
            }
            #expect(try await get("", as: stranger).status == 404)
            #expect(try await get("?from=2000-01-01&to=2000-12-31").json["rows"]?.arrayValue?.isEmpty == true)
        }
    }
}
