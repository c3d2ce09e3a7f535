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
            // The calls are stamped with the real time: the report asks for the days the turns
            // ran on, which are two when the test runs across midnight (UTC, as the report's days).
            let day = ISO8601DateFormatter()
            day.formatOptions = [.withFullDate]
            let firstDay = day.string(from: Date())
            let first = try await server.chatTurn("What plans do you offer?")
            _ = try await server.chatTurn("And delivery?", sessionKey: first.sessionKey)
            let lastDay = day.string(from: Date())
            let provisioner = server.services.provisioner(server.stores)
            let demo = try await provisioner.tenant(slug: "demo")
            let other = try await provisioner.createTenant(name: "Other", slug: "other").tenant
            let people = AdminTestPeople(server: server)
            let viewer = try await people.token("v@demo.example", demo.id, .viewer).token
            let stranger = try await people.token("s@other.example", other.id, .owner).token
            func get(_ query: String, as token: String = viewer) async throws -> ParleyTestServer.Reply {
                try await server.send(.GET, "/api/v1/admin/tenants/demo/usage/daily" + query, headers: [("Authorization", "Bearer \(token)")])
            }
            let days = "from=\(firstDay)&to=\(lastDay)"
            let report = try await get("?" + days)
            let rows = try #require(report.json["rows"]?.arrayValue)
            #expect(rows.count == 1 || (firstDay != lastDay && rows.count == 2), "\(report.json)")
            func total(_ field: String) -> Double { rows.reduce(0) { $0 + ($1[field]?.doubleValue ?? 0) } }
            #expect(rows.allSatisfy { $0["agent"]?.stringValue == "sales" } && total("calls") == 2)
            #expect(total("prompt_tokens") == 200 && total("completion_tokens") == 40)
            // 200 prompt tokens at 1,000 and 40 completion tokens at 2,000 per million.
            #expect(abs(total("cost") - 0.28) < 1e-9)
            #expect(rows.allSatisfy { [firstDay, lastDay].contains($0["day"]?.stringValue ?? "") })
            if firstDay == lastDay {
                #expect(try await get("").json["rows"] == report.json["rows"], "the default range ends today")
            }

            let csv = try await get("?format=csv&" + days)
            #expect(csv.headers.first(name: "Content-Type")?.hasPrefix("text/csv") == true)
            #expect(csv.headers.first(name: "Content-Disposition")?.contains("attachment") == true)
            let lines = String(decoding: csv.body, as: UTF8.self).split(separator: "\r\n").map(String.init)
            #expect(lines.first == "day,agent,model,calls,failed_calls,prompt_tokens,completion_tokens,cost")
            #expect(lines.count == rows.count + 1 && lines.dropFirst().allSatisfy { $0.contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\"") },
                    "a formula is defused and quoted: \(lines)")

            for bad in ["?from=2026-12-05&to=2026-01-01", "?from=2020-01-01&to=2026-01-01", "?format=xml", "?from=soon"] {
                #expect(try await get(bad).status == 400, "\(bad)")
            }
            #expect(try await get("", as: stranger).status == 404)
            #expect(try await get("?from=2000-01-01&to=2000-12-31").json["rows"]?.arrayValue?.isEmpty == true)
        }
    }
}
