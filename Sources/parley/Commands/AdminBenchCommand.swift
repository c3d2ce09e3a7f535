import ArgumentParser
import AsyncHTTPClient
import Fluent
import Foundation
import NIOCore
import NIOHTTP1
import ParleyAccounts
import ParleyCore
import ParleyEmbeddings
import ParleyServer
import ParleyStore
import Vapor

/// `parley bench admin`: the admin panel's conversations list with many conversations, and the
/// `/metrics` scrape, timed over real HTTP on loopback (a scratch SQLite database, or PostgreSQL).
struct AdminBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Render time of the panel's conversations list with many conversations, and the /metrics scrape time.",
        discussion: """
            Seeds --conversations conversations (two messages each) into the demo tenant of a fresh database, signs in, \
            then times --requests requests of each: the list's first page, a later page (keyset), a filtered list, a \
            transcript, and /metrics. Times are client round trips on loopback: the query, the Leaf render and the HTTP.
            """)

    @OptionGroup var global: GlobalOptions

    @ArgumentParser.Option(help: "Conversations to seed.")
    var conversations = 10_000

    @ArgumentParser.Option(help: "Measured requests per page.")
    var requests = 200

    @ArgumentParser.Option(help: "A PostgreSQL URL to run on instead of a scratch SQLite file (its tables are written to).")
    var postgres: String?

    func run() async throws {
        var loaded = try Runtime.loadConfiguration(global)
        loaded.secrets.metricsToken = "bench-metrics-token-0123456789"
        try await ScratchApplication.run(label: "bench-admin", loaded: loaded, usesEmbeddings: false, postgresURL: postgres, adjust: { config in
            config.app.seedDemo = true
        }) { app in
            let database = app.db(.parley)
            guard let tenant = try await FluentTenantDirectory(database: database).tenant(slug: "demo") else {
                throw ValidationError("the demo tenant was not seeded")
            }
            let seeded = ContinuousClock.now
            let session = try await seed(database, tenant: tenant.id)
            print(String(format: "seeded %d conversations in %.1f s", conversations, seeded.duration(to: .now).milliseconds / 1000))

            let accounts = AccountDirectory(store: FluentAccountStore(database: database), hasher: PasswordHasher(parameters: .fastForTests) /* a throw-away account in a scratch database */,
                                            throttle: LoginThrottle())
            let user = try await accounts.create(email: "bench@parley.example", displayName: "Bench", password: "bench password 123",
                                                 membership: (tenant.id, .owner))
            let issued = try await app.parley.adminSessions(on: database).open(for: user)
            try await app.server.start(address: nil)
            let base = "http://127.0.0.1:\(app.http.server.shared.localAddress?.port ?? 0)"
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
            do {
                let first = String(buffer: try await fetch(client, base + "/admin/t/demo/conversations", headers: [("Cookie", "parley_admin=\(issued.token)")]))
                guard let match = first.firstMatch(of: /conversations\?(after=[^"]+)"/) else { throw ValidationError("the list has no next page") }
                let next = String(match.1).replacingOccurrences(of: "&amp;", with: "&")
                let pages: [(String, String, [(String, String)])] = [
                    ("conversations, first page", "/admin/t/demo/conversations", [("Cookie", "parley_admin=\(issued.token)")]),
                    ("conversations, first page, API JSON", "/api/v1/admin/tenants/demo/conversations", [("Authorization", "Bearer \(issued.token)")]),
                    ("conversations, next page", "/admin/t/demo/conversations?" + next, [("Cookie", "parley_admin=\(issued.token)")]),
                    ("conversations, agent + status filter", "/admin/t/demo/conversations?agent=sales&status=active", [("Cookie", "parley_admin=\(issued.token)")]),
                    ("transcript", "/admin/t/demo/conversations/\(session)", [("Cookie", "parley_admin=\(issued.token)")]),
                    ("/metrics scrape", "/metrics", [("Authorization", "Bearer bench-metrics-token-0123456789")]),
                ]
                print("requests per page: \(requests) after 10 warm-up; \(conversations) conversations; database \(postgres == nil ? "SQLite" : "PostgreSQL")")
                for (label, path, headers) in pages {
                    var samples: [Double] = []
                    var bytes = 0
                    for index in 0 ..< requests + 10 {
                        let started = ContinuousClock.now
                        bytes = try await fetch(client, base + path, headers: headers).readableBytes
                        if index >= 10 { samples.append(started.duration(to: .now).milliseconds) }
                    }
                    let sorted = samples.sorted()
                    print("  " + label.padding(toLength: 38, withPad: " ", startingAt: 0)
                          + String(format: "p50 %6.2f ms   p99 %6.2f ms   max %6.2f ms   %d bytes", Statistics.percentile(sorted, 0.5),
                                   Statistics.percentile(sorted, 0.99), sorted.last ?? 0, bytes))
                }
            } catch {
                try? await client.shutdown()
                await app.server.shutdown()
                throw error
            }
            try await client.shutdown()
            await app.server.shutdown()
        }
    }

    /// Conversations spread over the last 90 days, a visitor question and an answer each; returns one session's id.
    private func seed(_ database: any Database, tenant: TenantID) async throws -> ParleyCore.SessionID {
        let store = FluentConversationStore(database: database)
        var last: ParleyCore.SessionID?
        for index in 0 ..< conversations {
            let (session, _) = try await store.createSession(tenant: tenant, agentCode: "sales", keyHash: KeyMaterial.hash("bench-\(index)-\(UUID())"),
                                                             firstMessage: NewMessage(role: .human, content: "Question \(index): how long is the warranty on the City model?"))
            _ = try await store.append(tenant: tenant, session: session.id, message: NewMessage(
                role: .assistant, content: "Every frame carries a lifetime warranty [1].",
                metadata: ["model": "offline", "latency_ms": 12, "citations": [["number": 1, "title": "Warranty", "chunk_id": "x", "score": 1, "snippet": "…"]]]))
            last = session.id
        }
        guard let last else { throw ValidationError("--conversations must be at least 1") }
        return last
    }

    private func fetch(_ client: HTTPClient, _ url: String, headers: [(String, String)]) async throws -> ByteBuffer {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await client.execute(request, timeout: .seconds(30))
        guard response.status == .ok else { throw ValidationError("\(url) answered \(response.status.code)") }
        return try await response.body.collect(upTo: 10 << 20)
    }
}
