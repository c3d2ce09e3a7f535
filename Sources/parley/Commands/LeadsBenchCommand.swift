import ArgumentParser
import AsyncHTTPClient
import Fluent
import Foundation
import NIOCore
import NIOHTTP1
import ParleyCore
import ParleyEmbeddings
import ParleyServer
import Vapor

/// `parley bench leads`: from the widget's lead form to Mailgun. Each round chats one turn (not
/// timed), submits the lead form, and times until the lead e-mail's request reaches a Mailgun
/// endpoint on loopback (a small server speaking `POST /v3/{domain}/messages`): the form's
/// request, the summary job, the e-mail's queueing and its send job, through the real job worker.
struct LeadsBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leads",
        abstract: "Time from the lead form's submit to the e-mail request arriving at Mailgun (a loopback receiver).",
        discussion: """
            A fresh SQLite database (or --postgres), the extractive summarizer, email.provider mailgun pointed at a \
            receiver in this process. Rounds run one after another; each prints nothing, the summary prints p50, p90, p99.
            """)

    @OptionGroup var global: GlobalOptions

    @ArgumentParser.Option(help: "Measured rounds.")
    var rounds = 100

    @ArgumentParser.Option(help: "A PostgreSQL URL to run on instead of a scratch SQLite file (its tables are written to).")
    var postgres: String?

    func validate() throws {
        guard (1 ... 10_000).contains(rounds) else { throw ValidationError("--rounds must be between 1 and 10000") }
    }

    func run() async throws {
        var loaded = try Runtime.loadConfiguration(global)
        loaded.secrets.mailgunAPIKey = "bench-mailgun-key"
        loaded.secrets.llmAPIKey = nil
        let receiver = try await MailgunReceiver.start()
        defer { Task { await receiver.stop() } }
        try await ScratchApplication.run(label: "bench-leads", loaded: loaded, usesEmbeddings: false, postgresURL: postgres, adjust: { config in
            config.app.seedDemo = true
            config.llm.offlineWordDelayMs = 0
            config.email.provider = .mailgun
            config.email.mailgun.baseURL = receiver.baseURL
            config.email.mailgun.domain = "mg.bench.example"
            config.limits = BenchCommand.Chat.limits(nil)
        }) { app in
            try await app.server.start(address: nil)
            let background = BackgroundWork(try app.parley.jobServices(on: app.db(.parley)))
            let base = "http://127.0.0.1:\(app.http.server.shared.localAddress?.port ?? 0)"
            let chat = ChatBenchClient(baseURL: base, agent: "sales")
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            var samples: [Double] = []
            do {
                for round in 0 ..< rounds + 5 {
                    let key = try await chat.turn("Could someone call me back about the Aurora City?", sessionKey: nil)
                    let before = await receiver.count
                    let started = ContinuousClock.now
                    try await submit(client, base: base, key: key, round: round)
                    let arrived = try await receiver.arrival(number: before + 1, timeout: .seconds(30))
                    if round >= 5 { samples.append(started.duration(to: arrived).milliseconds) }
                }
            } catch {
                try? await client.shutdown()
                try? await chat.shutdown()
                await background.stop()
                await app.server.shutdown()
                throw error
            }
            try await client.shutdown()
            try await chat.shutdown()
            await background.stop()
            await app.server.shutdown()
            let sorted = samples.sorted()
            print("parley bench leads: \(rounds) rounds (+5 warm-up), \(postgres == nil ? "SQLite" : "PostgreSQL"), jobs.poll_interval_ms \(app.parley.config.jobs.pollIntervalMs)")
            print(String(format: "  lead form submit -> e-mail request at Mailgun: p50 %.1f ms   p90 %.1f ms   p99 %.1f ms   max %.1f ms",
                         Statistics.percentile(sorted, 0.5), Statistics.percentile(sorted, 0.9), Statistics.percentile(sorted, 0.99), sorted.last ?? 0))
        }
    }

    private func submit(_ client: HTTPClient, base: String, key: String, round: Int) async throws {
        var request = HTTPClientRequest(url: base + "/a/sales/lead")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        let body: JSONValue = ["session_key": .string(key), "name": .string("Bench Visitor \(round)"),
                               "email": .string("visitor\(round)@bench.example"), "consent": true]
        request.body = .bytes(ByteBuffer(string: body.jsonString))
        let response = try await client.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 16)
        guard response.status == .created else { throw ValidationError("the lead form answered \(response.status.code)") }
    }
}

/// A loopback endpoint speaking Mailgun's send call, noting when each message arrives.
final class MailgunReceiver: Sendable {
    actor Arrivals {
        var times: [ContinuousClock.Instant] = []
        func add() { times.append(.now) }
    }

    private let app: Application
    private let arrivals: Arrivals
    let baseURL: String

    static func start() async throws -> MailgunReceiver {
        let arrivals = Arrivals()
        let app = try await Application.make(.testing)
        app.logger.logLevel = .error
        app.middleware = Middlewares()
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = 0
        app.on(.POST, "v3", ":domain", "messages", body: .collect(maxSize: "8mb")) { request async -> Response in
            await arrivals.add()
            let id = (try? request.content.decode([String: String].self, as: .urlEncodedForm))?["h:Message-Id"] ?? "<bench@mg.bench.example>"
            let response = Response(status: .ok)
            response.headers.contentType = .json
            response.body = .init(string: JSONValue.object(["id": .string(id), "message": "Queued. Thank you."]).jsonString)
            return response
        }
        try await app.server.start(address: nil)
        let port = app.http.server.shared.localAddress?.port ?? 0
        return MailgunReceiver(app: app, arrivals: arrivals, baseURL: "http://127.0.0.1:\(port)")
    }

    private init(app: Application, arrivals: Arrivals, baseURL: String) {
        self.app = app
        self.arrivals = arrivals
        self.baseURL = baseURL
    }

    var count: Int { get async { await arrivals.times.count } }

    /// When the `number`th message arrived (1-based), waiting for it.
    func arrival(number: Int, timeout: Duration) async throws -> ContinuousClock.Instant {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let times = await arrivals.times
            if times.count >= number { return times[number - 1] }
            try await Task.sleep(for: .microseconds(200))
        }
        throw ValidationError("no e-mail reached the Mailgun receiver within \(timeout)")
    }

    func stop() async {
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }
}
