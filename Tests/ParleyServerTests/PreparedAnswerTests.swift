import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyLLM
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing

/// An answer started at the visitor's POST (`chat.prepare_answers`) is stored and streamed only
/// once its stream id is redeemed; unredeemed, it is dropped with its LLM call recorded.
@Suite("Prepared answers")
struct PreparedAnswerTests {
    private static let reply = FakeOpenAIServer.Reply.stream(tokens: ["We ship ", "worldwide [1]."],
                                                            usage: TokenUsage(promptTokens: 12, completionTokens: 4))

    /// A server answering through a fake model that holds `replies` answers, preparing always.
    private static func server(_ backend: TestBackend, replies: Int, adjust: @escaping @Sendable (inout ParleyConfig) -> Void = { _ in },
                               _ body: (ParleyTestServer, FakeOpenAIServer) async throws -> Void) async throws {
        let fake = try await FakeOpenAIServer.start()
        defer { Task { await fake.stop() } }
        for _ in 0 ..< replies { await fake.enqueue(reply) }
        try await ParleyTestServer.with(backend, secrets: ParleySecrets(llmAPIKey: "sk-test-key-123456"), adjust: {
            $0.llm.baseURL = fake.baseURL
            // Only the answers ask the fake model (a lead job reading the message would take a reply).
            $0.leads.extraction = .rules
            $0.chat.prepareAnswers = .always
            adjust(&$0)
        }) { server in try await body(server, fake) }
    }

    @Test(arguments: TestBackend.available)
    func theAnswerIsReadyAtThePostAndStoredAtItsStream(_ backend: TestBackend) async throws {
        try await Self.server(backend, replies: 1) { server, fake in
            let posted = try await server.postChat(["message": "Do you ship abroad?"])
            let streamID = try #require(posted.json["stream_id"]?.stringValue)
            // The model is asked before any stream request...
            #expect(try await eventually { await fake.received().count == 1 })
            #expect(try await eventually { server.services.preparedTurns.count == 1 })
            try await Task.sleep(for: .milliseconds(200))
            // ...but nothing of the answer is stored until its stream id is redeemed.
            #expect(try await server.rowCount("messages") == 1)
            #expect(try await server.rowCount("llm_requests") == 0)

            let streamed = try await server.streamEvents(streamID)
            #expect(streamed.events.last?.event == "done")
            let text = streamed.events.filter { $0.event == "token" }.compactMap { $0.json["text"]?.stringValue }.joined()
            #expect(text == "We ship worldwide [1].")
            #expect(try await server.rowCount("messages") == 2)
            #expect(try await server.rowCount("llm_requests") == 1)
            #expect(await fake.received().count == 1)
            #expect(server.services.preparedTurns.count == 0)
            // Single use as before: the id is spent, and no turn is left to take.
            #expect(try await server.streamEvents(streamID).status == 409)
        }
    }

    @Test(arguments: TestBackend.available)
    func anAnswerNobodyStreamsIsDroppedAndItsCallRecorded(_ backend: TestBackend) async throws {
        try await Self.server(backend, replies: 1, adjust: { $0.chat.streamTTLSeconds = 5 }) { server, fake in
            let posted = try await server.postChat(["message": "Do you ship abroad?"])
            let streamID = try #require(posted.json["stream_id"]?.stringValue)
            // (At least one attempt: a slow first token under load is tried again.)
            #expect(try await eventually { await fake.received().count >= 1 })
            // Past the id's lifetime the turn is abandoned: its call is recorded, its answer never stored.
            #expect(try await eventually { try await server.rowCount("llm_requests") == 1 })
            #expect(server.services.preparedTurns.count == 0)
            #expect(try await server.rowCount("messages") == 1)
            try await Task.sleep(for: .seconds(1))
            #expect(try await server.streamEvents(streamID).status == 410)
            #expect(try await server.rowCount("messages") == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func anotherTenantsStreamRequestNeitherTakesNorSpoilsTheTurn(_ backend: TestBackend) async throws {
        try await Self.server(backend, replies: 1, adjust: { $0.app.mode = .multiTenant }) { server, fake in
            let provisioner = server.services.provisioner(server.stores)
            let alpha = try await provisioner.createTenant(name: "Alpha Ltd", slug: "alpha")
            let beta = try await provisioner.createTenant(name: "Beta Inc", slug: "beta")
            let posted = try await server.postChat(["message": "Do you ship abroad?"], headers: [("X-Parley-Tenant", alpha.tenant.widgetKey)])
            let streamID = try #require(posted.json["stream_id"]?.stringValue)
            #expect(try await eventually { server.services.preparedTurns.count == 1 })

            #expect(try await server.streamEvents(streamID, headers: [("X-Parley-Tenant", beta.tenant.widgetKey)]).status == 403)
            #expect(server.services.preparedTurns.count == 1)
            let streamed = try await server.streamEvents(streamID, headers: [("X-Parley-Tenant", alpha.tenant.widgetKey)])
            #expect(streamed.events.last?.event == "done")
            #expect(await fake.received().count == 1)
            #expect(try await server.rowCount("messages") == 2)
        }
    }

    @Test(arguments: TestBackend.available)
    func aStreamRequestForAnotherConversationAbandonsTheTurnWithoutSpendingTheID(_ backend: TestBackend) async throws {
        try await Self.server(backend, replies: 3) { server, fake in
            let (_, otherKey) = try await server.chatTurn("Hello")
            let posted = try await server.postChat(["message": "Do you ship abroad?"])
            let streamID = try #require(posted.json["stream_id"]?.stringValue)
            #expect(try await eventually { await fake.received().count == 2 })
            let refused = try await server.streamEvents(streamID, headers: [("X-Parley-Session", otherKey)])
            #expect(refused.status == 403)
            // The prepared answer is gone unstored (its call recorded); the id itself is unspent,
            // so the visitor's own request runs the turn.
            #expect(server.services.preparedTurns.count == 0)
            #expect(try await eventually { try await server.rowCount("llm_requests") == 2 })
            #expect(try await server.rowCount("messages") == 3)
            let streamed = try await server.streamEvents(streamID)
            #expect(streamed.events.last?.event == "done")
            #expect(try await server.rowCount("messages") == 4)
        }
    }

    @Test(arguments: TestBackend.available)
    func withoutAFreeStreamSlotThePostLeavesTheTurnToItsStream(_ backend: TestBackend) async throws {
        try await Self.server(backend, replies: 2, adjust: { $0.limits.streamsPerIP = 1 }) { server, fake in
            let first = try await server.postChat(["message": "Do you ship abroad?"])
            #expect(try await eventually { server.services.preparedTurns.count == 1 })
            #expect(try await eventually { await fake.received().count == 1 })
            // The first turn holds the address's one slot: the second POST prepares nothing.
            let second = try await server.postChat(["message": "And to Canada?", "session_key": try #require(first.json["session_key"]?.stringValue)])
            #expect(second.status == 201)
            try await Task.sleep(for: .milliseconds(200))
            #expect(server.services.preparedTurns.count == 1)
            #expect(await fake.received().count == 1)
            #expect(try await server.streamEvents(try #require(first.json["stream_id"]?.stringValue)).events.last?.event == "done")
            // With the first stream over (its slot is given back a moment later), the second
            // request takes the slot and runs its own turn.
            let secondID = try #require(second.json["stream_id"]?.stringValue)
            var streamed: (status: Int, events: [ServerSentEvent], body: Data)?
            #expect(try await eventually {
                streamed = try await server.streamEvents(secondID)
                return streamed?.status != 429
            })
            #expect(streamed?.events.last?.event == "done")
            #expect(await fake.received().count == 2)
            #expect(try await server.rowCount("messages") == 4)
        }
    }

    @Test(arguments: TestBackend.available)
    func turnedOffTheModelIsAskedOnlyByTheStream(_ backend: TestBackend) async throws {
        try await Self.server(backend, replies: 1, adjust: { $0.chat.prepareAnswers = .never }) { server, fake in
            let posted = try await server.postChat(["message": "Do you ship abroad?"])
            try await Task.sleep(for: .milliseconds(300))
            #expect(await fake.received().isEmpty)
            #expect(server.services.preparedTurns.count == 0)
            #expect(try await server.streamEvents(try #require(posted.json["stream_id"]?.stringValue)).events.last?.event == "done")
            #expect(await fake.received().count == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func byDefaultAnswersArePreparedWithSQLiteOnly(_ backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend) { server in
            let posted = try await server.postChat(["message": "Do you ship abroad?"])
            let prepared = try await eventually(timeout: .seconds(2)) { server.services.preparedTurns.count == 1 }
            #expect(prepared == (backend == .sqlite), "several processes may serve one visitor on PostgreSQL")
            #expect(try await server.streamEvents(try #require(posted.json["stream_id"]?.stringValue)).events.last?.event == "done")
        }
    }
}
