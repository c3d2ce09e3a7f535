import Foundation
import NIOHTTP1
import ParleyCore
import ParleyLLM
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing

/// Malformed, oversized and hostile chat requests: a clear 4xx JSON error, and nothing written.
@Suite("Bad input")
struct BadInputTests {
    func expectRejected(_ reply: ParleyTestServer.Reply, status: Int, code: String, server: ParleyTestServer) async throws {
        #expect(reply.status == status)
        #expect(reply.errorCode == code)
        #expect(reply.json["error"]?["message"]?.stringValue?.isEmpty == false)
        #expect(try await server.rowCount("messages") == 0)
        #expect(try await server.rowCount("sessions") == 0)
        #expect(try await server.rowCount("llm_requests") == 0)
    }

    @Test(arguments: TestBackend.available)
    func rejectedRequestsWriteNothing(_ backend: TestBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let server = try await ParleyTestServer.start(database)
        defer { Task { await server.stop(); await database.destroy() } }

        try await expectRejected(try await server.postChat(["message": "   \n "]), status: 400, code: "empty_message", server: server)
        try await expectRejected(try await server.postChat(["nothing": "here"]), status: 400, code: "invalid_json", server: server)
        try await expectRejected(try await server.send(.POST, "/a/sales/chat", body: Data("{\"message\": ".utf8)),
                                 status: 400, code: "invalid_json", server: server)
        try await expectRejected(try await server.send(.POST, "/a/sales/chat", body: Data("[1,2]".utf8)),
                                 status: 400, code: "invalid_json", server: server)
        try await expectRejected(try await server.send(.POST, "/a/sales/chat", body: Data()),
                                 status: 400, code: "empty_body", server: server)
        try await expectRejected(try await server.send(.POST, "/a/sales/chat", body: Data("{\"message\":\"hi\"}".utf8), contentType: "text/plain"),
                                 status: 415, code: "unsupported_media_type", server: server)
        try await expectRejected(try await server.postChat(["message": "hi"], agent: "nope"), status: 404, code: "unknown_agent", server: server)
        try await expectRejected(try await server.postChat(["message": "hi"], agent: "..%2Fetc"), status: 404, code: "unknown_agent", server: server)
        try await expectRejected(try await server.postChat(["message": "hi\u{0}there"]), status: 400, code: "invalid_characters", server: server)
        try await expectRejected(try await server.postChat(["message": "hi", "session_key": "ps_unknown"]),
                                 status: 404, code: "unknown_session", server: server)
        try await expectRejected(try await server.postChat(["message": "hi", "session_key": String(repeating: "k", count: 500)]),
                                 status: 400, code: "invalid_session_key", server: server)
    }

    @Test(arguments: TestBackend.available)
    func oversizedMessagesAre413(_ backend: TestBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let server = try await ParleyTestServer.start(database)
        defer { Task { await server.stop(); await database.destroy() } }

        // 100 KB: over the body limit.
        try await expectRejected(try await server.postChat(["message": String(repeating: "a", count: 100_000)]),
                                 status: 413, code: "payload_too_large", server: server)
        // Under the body limit but over the message limit.
        let long = try await server.postChat(["message": String(repeating: "b", count: 5_000)])
        try await expectRejected(long, status: 413, code: "payload_too_large", server: server)
        #expect(long.json["error"]?["message"]?.stringValue?.contains("4000") == true)
    }

    @Test func hostileContentIsStoredVerbatimAndNeverExecuted() async throws {
        let database = try await TestDatabase.make(.sqlite)
        let server = try await ParleyTestServer.start(database)
        defer { Task { await server.stop(); await database.destroy() } }
        let hostile = "'); DROP TABLE messages; -- <script>alert(1)</script> {{7*7}} \u{202E}"
        let (events, key) = try await server.chatTurn(hostile)
        #expect(events.last?.event == "done")
        let history = try await server.send(.GET, "/a/sales/history", headers: [("X-Parley-Session", key)])
        #expect(history.json["messages"]?.arrayValue?.first?["content"]?.stringValue == hostile)
        #expect(try await server.rowCount("messages") == 2)
    }

    @Test func errorsLeakNoInternals() async throws {
        let database = try await TestDatabase.make(.sqlite)
        let server = try await ParleyTestServer.start(database)
        defer { Task { await server.stop(); await database.destroy() } }
        let missing = try await server.send(.GET, "/no/such/path")
        #expect(missing.status == 404)
        #expect(missing.errorCode == "not_found")
        let history = try await server.send(.GET, "/a/sales/history")
        #expect(history.status == 401)
        #expect(history.errorCode == "missing_session")
        let wrongMethod = try await server.send(.DELETE, "/a/sales/chat")
        #expect(wrongMethod.status == 404 || wrongMethod.status == 405)
        for reply in [missing, history, wrongMethod] {
            let text = String(decoding: reply.body, as: UTF8.self)
            #expect(!text.contains("Fluent") && !text.contains("SQL") && !text.contains(".swift"))
        }
    }
}
