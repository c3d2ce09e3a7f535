import Foundation
import Logging
import NIOHTTP1
import ParleyCore
import ParleyServer
import ParleyTestSupport
import Testing

/// The configuration view, its YAML download and the log tail: platform administrators only,
/// secrets shown as set or unset and never their values, the log filtered by level and text.
@Suite("Admin configuration and log view")
struct AdminOperationsAPITests {
    static let llmKey = "sk-or-v1-configview-secret-value-0123456789"

    @Test(arguments: TestBackend.available)
    func configurationShowsSettingsAndWhichSecretsAreSetNeverTheirValues(_ backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend, secrets: ParleySecrets(llmAPIKey: Self.llmKey), adjust: { config in
            config.retrieval.topK = 7
            config.llm.baseURL = "http://parley:hunter2-in-url@llm.internal.example/v1"
        }) { server in
            let demo = try #require(try await server.stores.tenants.tenant(slug: "demo"))
            let people = AdminTestPeople(server: server)
            let platform = try await people.token("root@parley.example", nil, platform: true).token
            let owner = try await people.token("owner@demo.example", demo.id, .owner).token
            func get(_ path: String, as token: String?) async throws -> ParleyTestServer.Reply {
                try await server.send(.GET, path, headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [])
            }

            let shown = try await get("/api/v1/admin/config", as: platform)
            #expect(shown.status == 200)
            let yaml = try #require(shown.json["yaml"]?.stringValue)
            let secrets = try #require(shown.json["secrets"]?.arrayValue)
            #expect(secrets.contains { $0["name"]?.stringValue == "PARLEY_LLM_API_KEY" && $0["set"] == .bool(true) })
            #expect(secrets.contains { $0["name"]?.stringValue == "MAILGUN_API_KEY" && $0["set"] == .bool(false) })
            let file = try await get("/api/v1/admin/config.yaml", as: platform)
            #expect(file.status == 200 && file.headers.first(name: "Content-Disposition")?.contains("parley.yaml") == true)
            for body in [shown.body, file.body] {
                let text = String(decoding: body, as: UTF8.self)
                #expect(!text.contains(Self.llmKey) && !text.contains("hunter2"), "no secret value and no password in a URL")
            }

            // The download is a parley.yaml: loaded again it gives the same settings.
            let reloaded = try ConfigLoader().build(yaml: String(decoding: file.body, as: UTF8.self))
            #expect(reloaded.retrieval.topK == 7 && reloaded.chat == server.services.config.chat && reloaded.limits == server.services.config.limits)
            #expect(yaml.contains("top_k: 7"))

            for path in ["/api/v1/admin/config", "/api/v1/admin/config.yaml", "/api/v1/admin/logs"] {
                #expect(try await get(path, as: owner).status == 403, "\(path): a tenant owner is not a platform administrator")
                #expect(try await get(path, as: nil).status == 401)
                #expect(try await get(path, as: "not.a.token").status == 401)
            }
        }
    }

    @Test func logTailFiltersByLevelAndTextNewestFirst() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-logtail-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("app.jsonl").path
        let redactor = Redactor()
        var lines: [String] = []
        for index in 0 ..< 50 {
            let level: Logger.Level = index % 10 == 9 ? .error : (index % 2 == 0 ? .info : .warning)
            lines.append(JSONLLogHandler.render(level: level, message: "event number \(index)", label: "test",
                                                metadata: ["event": .string(index == 42 ? "budget_exhausted" : "request")], redactor: redactor))
        }
        try Data((["{not json at all"] + lines + ["partial line without end"]).joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))

        try await ParleyTestServer.with(.sqlite, adjust: { $0.logging.path = path }) { server in
            let platform = try await AdminTestPeople(server: server).token("root@parley.example", nil, platform: true).token
            func logs(_ query: String) async throws -> ParleyTestServer.Reply {
                try await server.send(.GET, "/api/v1/admin/logs" + query, headers: [("Authorization", "Bearer \(platform)")])
            }
            let errors = try await logs("?level=error")
            let messages = errors.json["lines"]?.arrayValue?.compactMap { $0["message"]?.stringValue }
            #expect(messages == ["event number 49", "event number 39", "event number 29", "event number 19", "event number 9"])
            let found = try await logs("?q=BUDGET_exhausted")
            #expect(found.json["lines"]?.arrayValue?.map { $0["message"]?.stringValue } == ["event number 42"])
            let newest = try await logs("?limit=3&level=warning")
            #expect(newest.json["lines"]?.arrayValue?.compactMap { $0["message"]?.stringValue } == ["event number 49", "event number 47", "event number 45"])
            for (query, code) in [("?level=loud", "invalid_level"), ("?limit=0", "invalid_limit"), ("?limit=100000", "invalid_limit"),
                                  ("?limit=ten", "invalid_limit"), ("?q=" + String(repeating: "x", count: 201), "invalid_query")] {
                #expect(try await logs(query).errorCode == code, "\(query)")
            }
        }
    }

    @Test func aLargeLogIsReadFromItsEndOnly() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-logtail-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("app.jsonl").path
        let line = JSONLLogHandler.render(level: .info, message: String(repeating: "old ", count: 100), label: "t", metadata: [:], redactor: Redactor())
        var text = String(repeating: line + "\n", count: 2000)
        text += JSONLLogHandler.render(level: .info, message: "the newest line", label: "t", metadata: [:], redactor: Redactor()) + "\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let tail = LogTail(path: path, maxBytes: 10_000)
        let read = try await tail.lines(LogTail.Filter(limit: 1000))
        #expect(read.first?["message"]?.stringValue == "the newest line")
        #expect(read.count < 30, "only the last 10,000 bytes were read (\(read.count) lines)")
        #expect(try await LogTail(path: directory.appendingPathComponent("missing.jsonl").path).lines(LogTail.Filter()).isEmpty)
    }
}
