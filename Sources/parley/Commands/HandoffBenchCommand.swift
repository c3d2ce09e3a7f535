import ArgumentParser
import AsyncHTTPClient
import Fluent
import Foundation
import NIOCore
import NIOHTTP1
import ParleyAccounts
import ParleyCore
import ParleyEmbeddings
import ParleyLLM
import ParleyServer
import ParleyStore
import Vapor

/// `parley bench handoff`: how long an operator's reply takes to reach the visitor, over real
/// HTTP on loopback: from the moment the console's POST leaves the operator until the
/// `operator_message` event has arrived on the visitor's live channel (stored, published,
/// streamed; the widget's drawing is not included).
struct HandoffBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handoff",
        abstract: "Latency of an operator's reply reaching the visitor's live channel, over real HTTP on loopback.",
        discussion: """
            Runs on a fresh SQLite database in a temporary folder (one server), or with --postgres on that PostgreSQL \
            database: then also across two servers, the visitor on one and the operator on the other, which reach each \
            other only through PostgreSQL's LISTEN/NOTIFY (two applications in this process, each with its own event bus \
            and its own listening connection, as two `parley serve` processes have). Replies are sent one at a time.
            """)

    @OptionGroup var global: GlobalOptions

    @ArgumentParser.Option(help: "Measured replies per phase.")
    var messages = 200

    @ArgumentParser.Option(help: "Unmeasured warm-up replies per phase.")
    var warmup = 20

    @ArgumentParser.Option(help: "A PostgreSQL URL to run on instead of a scratch SQLite file (its tables are written to).")
    var postgres: String?

    func validate() throws {
        guard (1...100_000).contains(messages) else { throw ValidationError("--messages must be between 1 and 100000") }
        guard (0...10_000).contains(warmup) else { throw ValidationError("--warmup must be between 0 and 10000") }
    }

    func run() async throws {
        var loaded = try Runtime.loadConfiguration(global)
        loaded.config.logging.path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-bench-handoff.jsonl").path
        try Runtime.bootstrapLogging(loaded, stdout: false, level: .warning)
        print("parley bench handoff: \(messages) replies (+\(warmup) warm-up) per phase, one at a time, "
              + "\(postgres == nil ? "SQLite" : "PostgreSQL"), loopback HTTP; from the operator's POST to the event on the visitor's channel")
        try await ScratchApplication.run(label: "bench-handoff", loaded: loaded, usesEmbeddings: false, postgresURL: postgres,
                                         bootstrapsLogging: false, adjust: Self.adjust(seedsDemo: true)) { visitorSide in
            let first = try await Server.start(visitorSide)
            do {
                report("one server", try await measure(visitor: first, desk: first))
                if postgres != nil {
                    try await ScratchApplication.run(label: "bench-handoff-2", loaded: loaded, usesEmbeddings: false, postgresURL: postgres,
                                                     bootstrapsLogging: false, adjust: Self.adjust(seedsDemo: false)) { operatorSide in
                        let second = try await Server.start(operatorSide)
                        do {
                            report("two servers (LISTEN/NOTIFY)", try await measure(visitor: first, desk: second))
                            await second.stop()
                        } catch {
                            await second.stop()
                            throw error
                        }
                    }
                }
                await first.stop()
            } catch {
                await first.stop()
                throw error
            }
        }
    }

    static func adjust(seedsDemo: Bool) -> (inout ParleyConfig) -> Void {
        { config in
            config.app.seedDemo = seedsDemo
            config.llm.offlineWordDelayMs = 0
            config.limits = BenchCommand.Chat.limits(nil)
        }
    }

    func report(_ phase: String, _ latencies: [Double]) {
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double { Statistics.percentile(sorted, p) }
        let mean = sorted.reduce(0, +) / Double(max(1, sorted.count))
        print("  " + (phase + ":").padding(toLength: 32, withPad: " ", startingAt: 0)
              + String(format: "p50 %.2f ms   p90 %.2f ms   p99 %.2f ms   mean %.2f ms   max %.2f ms", percentile(0.5), percentile(0.9),
                       percentile(0.99), mean, sorted.last ?? 0))
    }

    /// A started server, its address, and (on PostgreSQL) its listener of other servers' events.
    struct Server {
        let app: Application
        let baseURL: String
        let listening: Task<Void, Never>?

        static func start(_ app: Application) async throws -> Server {
            try await app.server.start(address: nil)
            let port = app.http.server.shared.localAddress?.port ?? 0
            var listening: Task<Void, Never>?
            if let listener = try app.parley.liveEventListener(on: app.db(.parley)) {
                listening = Task { try? await listener.run() }
                try await Task.sleep(for: .milliseconds(300))  // LISTENing before anything is sent
            }
            return Server(app: app, baseURL: "http://127.0.0.1:\(port)", listening: listening)
        }

        func stop() async {
            listening?.cancel()
            await app.server.shutdown()
        }
    }

    /// Milliseconds from each reply's POST to its arrival on the visitor's channel.
    private func measure(visitor: Server, desk: Server) async throws -> [Double] {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let latencies = try await measure(visitor: visitor, desk: desk, client: client)
            try? await client.shutdown()
            return latencies
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func measure(visitor: Server, desk: Server, client: HTTPClient) async throws -> [Double] {
        let parley = desk.app.parley
        guard let demo = try await parley.stores(on: desk.app.db(.parley)).tenants.tenant(slug: parley.config.app.defaultTenant) else {
            throw ValidationError("the demo tenant is missing")
        }
        let person = try await parley.accounts(on: desk.app.db(.parley)).create(
            email: "bench-\(UUID().uuidString.prefix(8).lowercased())@example.com", displayName: "Bench", password: "bench password \(UUID())",
            membership: (demo.id, .operator))
        let signedIn = try await parley.adminSessions(on: desk.app.db(.parley)).open(for: person)
        let agent = parley.config.app.defaultAgent
        let chat = ChatBenchClient(baseURL: visitor.baseURL, agent: agent)
        let sessionKey: String
        do {
            sessionKey = try await chat.turn("Hello", sessionKey: nil)
            try? await chat.shutdown()
        } catch {
            try? await chat.shutdown()
            throw error
        }
        guard let session = try await parley.stores(on: desk.app.db(.parley)).conversations.session(tenant: demo.id, keyHash: KeyMaterial.hash(sessionKey))
        else { throw ValidationError("the visitor's conversation is missing") }

        // The visitor's channel: each operator_message's arrival, in order.
        var channel = HTTPClientRequest(url: "\(visitor.baseURL)/a/\(agent)/session/events")
        channel.headers.add(name: "X-Parley-Session", value: sessionKey)
        let response = try await client.execute(channel, timeout: .seconds(30))
        guard response.status == .ok else { throw ValidationError("the visitor's channel answered \(response.status.code)") }
        let (arrivals, arrived) = AsyncStream.makeStream(of: ContinuousClock.Instant.self)
        let reading = Task {
            var parser = SSEParser()
            for try await chunk in response.body {
                for event in try parser.feed(Array(chunk.readableBytesView)) where event.event == "operator_message" {
                    arrived.yield(.now)
                }
            }
        }
        defer { reading.cancel() }

        let console = "\(desk.baseURL)/admin/t/\(demo.slug)/console/api/sessions/\(session.id)"
        func post(_ action: String, _ fields: [String: String] = [:]) async throws {
            var request = HTTPClientRequest(url: "\(console)/\(action)")
            request.method = .POST
            request.headers.add(name: "Cookie", value: "parley_admin=\(signedIn.token)")
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            var form = URLComponents()
            form.queryItems = [URLQueryItem(name: "_csrf", value: signedIn.csrfToken)] + fields.map { URLQueryItem(name: $0.key, value: $0.value) }
            request.body = .bytes(ByteBuffer(string: form.percentEncodedQuery ?? ""))
            let answer = try await client.execute(request, timeout: .seconds(30))
            _ = try await answer.body.collect(upTo: 1 << 20)
            guard answer.status == .ok else { throw ValidationError("\(action) answered \(answer.status.code)") }
        }
        try await post("take")
        var next = arrivals.makeAsyncIterator()
        var latencies: [Double] = []
        for index in 0 ..< warmup + messages {
            let sent = ContinuousClock.now
            try await post("reply", ["text": "Reply number \(index) from the bench."])
            guard let at = await next.next() else { throw ValidationError("the visitor's channel closed") }
            if index >= warmup { latencies.append(Double((at - sent).components.attoseconds) / 1e15 + Double((at - sent).components.seconds) * 1000) }
        }
        try await post("hand-back")
        return latencies
    }
}
