import Foundation
import NIOHTTP1
import ParleyCore
import ParleyLLM
import ParleyServer
import ParleyTestSupport
import Testing

/// `/metrics`: served only with `PARLEY_METRICS_TOKEN` and only to a caller that sends it, in the
/// Prometheus text format, with requests by route pattern (never the raw path), chat-turn model
/// calls by tenant and model, retrieval latency, active streams and the job queue.
@Suite("Metrics")
struct MetricsTests {
    static let token = "metrics-token-0123456789abcdef"

    /// The value of the series whose line starts with `prefix` (0 when absent).
    static func value(_ text: String, _ prefix: String) -> Double {
        text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } } ?? 0
    }

    @Test func aScraperWithTheTokenReadsRequestsModelCallsAndQueues() async throws {
        try await ParleyTestServer.with(.sqlite, secrets: ParleySecrets(metricsToken: Self.token)) { server in
            func scrape() async throws -> String {
                let reply = try await server.send(.GET, "/metrics", headers: [("Authorization", "Bearer \(Self.token)")])
                #expect(reply.status == 200 && reply.headers.first(name: "Content-Type")?.hasPrefix("text/plain") == true)
                return String(decoding: reply.body, as: UTF8.self)
            }
            #expect(try await server.send(.GET, "/metrics").status == 401)
            #expect(try await server.send(.GET, "/metrics", headers: [("Authorization", "Bearer wrong-token-0123456789")]).status == 401)

            let healthSeries = #"parley_http_requests_total{route="/health",method="GET",status="200"}"#
            let before = try await scrape()
            _ = try await server.send(.GET, "/health")
            _ = try await server.send(.GET, "/health")
            _ = try await server.send(.GET, "/no/such/page-7f3a9c")
            let (events, _) = try await server.chatTurn("How long is the warranty?")
            #expect(events.contains { $0.event == "done" })
            let after = try await scrape()

            // The registry is the process's (tests beside this one call /health too): at least these two.
            #expect(Self.value(after, healthSeries) - Self.value(before, healthSeries) >= 2, "two health checks counted under their route")
            #expect(after.contains(#"route="unmatched""#) && !after.contains("page-7f3a9c"), "an unknown path is one series, never its text")
            #expect(after.contains(#"parley_http_request_seconds_bucket{route="/a/:agent/chat""#))
            let demo = try #require(try await server.stores.tenants.tenant(slug: "demo"))
            #expect(after.contains("parley_llm_calls_total{") && after.contains(#"tenant="\#(demo.id)""#))
            #expect(after.contains("parley_retrieval_seconds_count{"))
            #expect(after.contains("parley_active_streams "))
            #expect(after.contains(#"parley_jobs{status="queued"}"#))
        }
    }

    @Test func withoutTheSecretThereIsNoMetricsAddress() async throws {
        try await ParleyTestServer.with(.sqlite) { server in
            let bare = try await server.send(.GET, "/metrics")
            let withToken = try await server.send(.GET, "/metrics", headers: [("Authorization", "Bearer \(Self.token)")])
            #expect(bare.status == 404 && withToken.status == 404)
        }
        await #expect(throws: ConfigError.self) {
            try await ParleyTestServer.with(.sqlite, secrets: ParleySecrets(metricsToken: "short")) { _ in }
        }
    }
}
