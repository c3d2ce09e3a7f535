import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ParleyCore
import ParleyLLM
import ParleyServer
import Fluent
import SQLKit
import Vapor

/// A real Parley server for one test: `ParleyApp.configure` on a fresh database, listening on
/// an ephemeral loopback port, with an HTTP client to talk to it.
public final class ParleyTestServer: Sendable {
    public let app: Application
    public let baseURL: String
    public let client: HTTPClient
    public let database: TestDatabase
    /// The index follower and the in-process job worker (`jobs.in_process_worker`), as `parley serve` runs them.
    public let background: BackgroundWork?

    /// Starts a server. `adjust` edits the configuration; `secrets` adds environment secrets.
    /// `clock` is the time rate limits count in.
    public static func start(_ database: TestDatabase, secrets: ParleySecrets = ParleySecrets(), embedder: (any Embedder)? = nil,
                             adjust: @Sendable (inout ParleyConfig) -> Void = { _ in },
                             clock: @escaping @Sendable () -> Date = Date.init) async throws -> ParleyTestServer {
        TestLogging.bootstrap()
        var config = ParleyConfig()
        config.app.host = "127.0.0.1"
        config.app.port = 0
        config.app.dataDir = database.folder
        config.database.sqlitePath = database.sqlitePath
        config.logging.stdout = false
        // Most HTTP tests need no vectors; the tests that do switch the local model on.
        config.embeddings.provider = "none"
        // Jobs queued by a test start at once; a test that stops a worker sees it give its jobs back fast.
        config.jobs.pollIntervalMs = 100
        config.app.shutdownGraceSeconds = 2
        config.llm.offlineWordDelayMs = 0
        // A test's fake model answers the turns it scripts; the lead extraction tests switch the model's reading on.
        config.leads.extraction = .rules
        // Scripted answers rarely fit their passages, so no answer is withheld; the refusal tests switch it on.
        config.handoff.refuseBelow = 0
        // A test's fake model answers the calls it scripts; the review tests switch the self-check on.
        config.handoff.selfCheck = false
        // The whole suite runs at once on two cores: a query may wait far longer for SQLite's one
        // connection than on a server, and a wait is not what any test is about.
        config.database.poolTimeoutSeconds = 60
        adjust(&config)
        var allSecrets = secrets
        allSecrets.databaseURL = database.url
        allSecrets.serverSecret = allSecrets.serverSecret ?? "test-server-secret-0123456789"
        let app = try await Application.make(.testing)
        do {
            var settings = ServerSettings(config: config, secrets: allSecrets, embedder: embedder)
            settings.clock = clock
            try await ParleyApp.configure(app, settings: settings)
            try await app.server.start()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        let port = app.http.server.shared.localAddress?.port ?? 0
        // As `parley serve` runs them: the index follower, and the job worker unless switched off.
        let background = BackgroundWork(try app.parley.servingServices(on: app.db(.parley), runsJobs: config.jobs.inProcessWorker))
        return ParleyTestServer(app: app, baseURL: "http://127.0.0.1:\(port)", database: database, background: background)
    }

    private init(app: Application, baseURL: String, database: TestDatabase, background: BackgroundWork?) {
        self.app = app
        self.baseURL = baseURL
        self.database = database
        self.background = background
        // Redirects are answers the tests look at (the panel's sign-in, `/` to `/demo`), not followed.
        // A burst test's requests each get a connection, and wait for one as long as a machine
        // busy with the whole suite needs, instead of queueing behind 8 per host for 10 s.
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(30)),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)))
    }

    /// Runs `body` against a server on a fresh database of `backend`, then stops the server and
    /// drops the database, whether `body` succeeded or not.
    public static func with(_ backend: TestBackend, secrets: ParleySecrets = ParleySecrets(), embedder: (any Embedder)? = nil,
                            clock: @escaping @Sendable () -> Date = Date.init,
                            adjust: @Sendable (inout ParleyConfig) -> Void = { _ in },
                            _ body: (ParleyTestServer) async throws -> Void) async throws {
        let database = try await TestDatabase.make(backend)
        let server: ParleyTestServer
        do {
            server = try await start(database, secrets: secrets, embedder: embedder, adjust: adjust, clock: clock)
        } catch {
            await database.destroy()
            throw error
        }
        do {
            try await body(server)
        } catch {
            await server.stop()
            await database.destroy()
            throw error
        }
        await server.stop()
        await database.destroy()
    }

    /// Stops the server and its client; the database stays (for restart tests).
    public func stop() async {
        await background?.stop()
        try? await client.shutdown()
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }

    // MARK: - HTTP helpers

    public struct Reply: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: Data

        public var json: JSONValue { JSONValue.parse(body) ?? .null }
        public var errorCode: String? { json["error"]?["code"]?.stringValue }
    }

    /// How long `send` waits for a whole response. It only guards against a hung test: the server
    /// bounds every wait of its own (`?wait=true` waits for an ingestion job's deadlines), and
    /// under the whole suite on two slow cores such a job has taken more than 30 s (a crawl of
    /// one local page, in the admin sources and quota tests) where alone it takes under one.
    static let requestTimeout: TimeAmount = .seconds(300)

    /// One request and its whole response.
    public func send(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = [],
                     body: Data? = nil, contentType: String? = "application/json") async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: Self.requestTimeout)
        let data = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Data(data.readableBytesView))
    }

    /// `POST /a/{agent}/chat` with a JSON body built from `fields`.
    public func postChat(_ fields: [String: String], agent: String = "sales", query: String = "",
                         headers: [(String, String)] = []) async throws -> Reply {
        try await send(.POST, "/a/\(agent)/chat\(query)", headers: headers, body: try JSONEncoder().encode(fields))
    }

    /// Reads a whole SSE stream into events.
    public func streamEvents(_ streamID: String, agent: String = "sales",
                             headers: [(String, String)] = []) async throws -> (status: Int, events: [ServerSentEvent], body: Data) {
        let reply = try await send(.GET, "/a/\(agent)/events/stream?stream_id=\(streamID)", headers: headers)
        guard reply.status == 200 else { return (reply.status, [], reply.body) }
        var parser = SSEParser()
        var events = try parser.feed(Array(reply.body))
        if let last = parser.finish() { events.append(last) }
        return (reply.status, events, reply.body)
    }

    /// One whole streamed turn; returns the events and the session key.
    public func chatTurn(_ message: String, sessionKey: String? = nil, agent: String = "sales",
                         headers: [(String, String)] = []) async throws -> (events: [ServerSentEvent], sessionKey: String) {
        var fields = ["message": message]
        if let sessionKey { fields["session_key"] = sessionKey }
        let start = try await postChat(fields, agent: agent, headers: headers)
        guard start.status == 201, let streamID = start.json["stream_id"]?.stringValue,
              let key = start.json["session_key"]?.stringValue else {
            throw TestDatabaseError("chat POST answered \(start.status): \(String(decoding: start.body, as: UTF8.self))")
        }
        let streamed = try await streamEvents(streamID, agent: agent)
        return (streamed.events, key)
    }
}

extension ServerSentEvent {
    /// The event's data as JSON.
    public var json: JSONValue { JSONValue.parse(Data(data.utf8)) ?? .null }
}

extension ParleyTestServer {
    /// Number of rows in a table (to prove that rejected requests wrote nothing).
    public func rowCount(_ table: String) async throws -> Int {
        guard let sql = app.db(.parley) as? any SQLDatabase else { return -1 }
        let row = try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Jobs of `kind`, in `states` when given (recurring jobs appear at their period's start, so
    /// tests count the kind they are about, never every job).
    public func jobCount(kind: String, states: [String]? = nil) async throws -> Int {
        guard let sql = app.db(.parley) as? any SQLDatabase else { return -1 }
        var query = sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("jobs").where("kind", .equal, kind)
        if let states { query = query.where("state", .in, states) }
        return try await query.first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// The services of the running app.
    public var services: ParleyServices { app.parley }

    public var stores: ParleyServices.Stores { app.parley.stores(on: app.db(.parley)) }
}
