import Foundation
import Logging
import ParleyChat
import ParleyCore
import ParleyTestSupport
import Testing

/// A turn started before its stream id is redeemed, and the registry that keeps it.
@Suite("Prepared turns")
struct PreparedTurnsTests {
    let tenant = TenantID()

    func agent() -> ResolvedAgent {
        ResolvedAgent(code: "sales", name: "Sales", persona: DefaultPersonas.sales(tenant: tenant, businessName: "Acme"),
                      model: "m", temperature: 0.1, maxTokens: 50, historyWindow: 4, retrievalTopK: 3)
    }

    func question(_ store: InMemoryConversationStore) async throws -> (SessionID, StoredMessage) {
        let (session, message) = try await store.createSession(tenant: tenant, agentCode: "sales", keyHash: "h",
                                                               firstMessage: NewMessage(role: .human, content: "Team plan price?"))
        return (session.id, message)
    }

    /// A turn of a scripted model that answers at once and then waits at its gate.
    func turn(_ question: StoredMessage) -> PreparedTurn {
        let gate = TurnGate()
        let runner = ChatTurnRunner(conversations: InMemoryConversationStore(), retriever: FixedRetriever([:]),
                                    model: ScriptedChatModel(tokens: ["x"], ending: .finish(nil)))
        let events = runner.run(.init(tenant: tenant, session: question.sessionID, question: question, agent: agent(), logger: Logger(label: "t"),
                                      history: [], gate: gate))
        return PreparedTurn(events: events, gate: gate, question: question, holding: nil)
    }

    func message() -> StoredMessage {
        StoredMessage(id: MessageID(), tenantID: tenant, sessionID: SessionID(), role: .human, content: "q", metadata: .object([:]), createdAt: Date())
    }

    @Test func theAnswerWaitsForTheRedemptionAndIsThenStored() async throws {
        let store = InMemoryConversationStore()
        let runner = ChatTurnRunner(conversations: store, retriever: FixedRetriever([:]),
                                    model: ScriptedChatModel(tokens: ["It is ", "$49."], ending: .finish(TokenUsage(promptTokens: 9, completionTokens: 4))))
        let (session, question) = try await question(store)
        let gate = TurnGate()
        let events = runner.run(.init(tenant: tenant, session: session, question: question, agent: agent(), logger: Logger(label: "t"),
                                      history: [], gate: gate))
        // The tokens come before any redemption; the answer is not stored meanwhile.
        var seen: [ChatTurnEvent] = []
        while seen.count < 2 { seen += await events.nextBatch() }
        #expect(seen == [.token("It is "), .token("$49.")])
        try await Task.sleep(for: .milliseconds(50))
        #expect(try await store.history(tenant: tenant, session: session, limit: 10).count == 1)

        gate.open(.redeemed(alreadyEscalated: false))
        let rest = await events.nextBatch()
        guard case .done(let result) = rest.last else {
            Issue.record("unexpected events \(rest)")
            return
        }
        #expect(result.messageID != nil)
        #expect(try await store.history(tenant: tenant, session: session, limit: 10).map(\.content) == ["Team plan price?", "It is $49."])
    }

    @Test func anAbandonedTurnStoresNothingAndEnds() async throws {
        let store = InMemoryConversationStore()
        let runner = ChatTurnRunner(conversations: store, retriever: FixedRetriever([:]), model: ScriptedChatModel(tokens: ["It is $49."], ending: .finish(nil)))
        let (session, question) = try await question(store)
        let gate = TurnGate()
        let events = runner.run(.init(tenant: tenant, session: session, question: question, agent: agent(), logger: Logger(label: "t"),
                                      history: [], gate: gate))
        #expect(await events.nextBatch() == [.token("It is $49.")])
        gate.open(.abandoned)
        // A decision after the first is ignored.
        gate.open(.redeemed(alreadyEscalated: false))
        #expect(await events.nextBatch() == [])
        try await Task.sleep(for: .milliseconds(50))
        #expect(try await store.history(tenant: tenant, session: session, limit: 10).count == 1)
    }

    @Test func aTurnIsTakenOnceAndOnlyByItsTenant() {
        let turns = PreparedTurns(capacity: 4, lifetime: .seconds(60))
        let question = message()
        #expect(turns.keep(turn(question), tenant: tenant))
        #expect(turns.take(tenant: TenantID(), message: question.id) == nil)
        #expect(turns.take(tenant: tenant, message: MessageID()) == nil)
        #expect(turns.take(tenant: tenant, message: question.id)?.question.id == question.id)
        #expect(turns.take(tenant: tenant, message: question.id) == nil)
        #expect(turns.count == 0)
    }

    @Test func aFullRegistryRefusesAndAbandonAllEmptiesIt() async {
        let turns = PreparedTurns(capacity: 2, lifetime: .seconds(60))
        let kept = [turn(message()), turn(message())]
        for turn in kept { #expect(turns.keep(turn, tenant: tenant)) }
        #expect(!turns.hasRoom)
        #expect(!turns.keep(turn(message()), tenant: tenant))
        #expect(turns.count == 2)
        await turns.abandonAll()
        #expect(turns.count == 0)
        for turn in kept {
            #expect(await turn.gate.wait() == .abandoned)
            await turn.gate.settled()
        }
    }

    @Test func aTurnPastItsLifetimeIsAbandoned() async throws {
        let turns = PreparedTurns(capacity: 4, lifetime: .milliseconds(100), sweepEvery: .milliseconds(20))
        let expiring = turn(message())
        #expect(turns.keep(expiring, tenant: tenant))
        #expect(try await eventually { turns.count == 0 })
        #expect(await expiring.gate.wait() == .abandoned)
        // The sweeper stops when the registry is empty and starts again with the next turn.
        let next = turn(message())
        #expect(turns.keep(next, tenant: tenant))
        #expect(try await eventually { turns.count == 0 })
        #expect(await next.gate.wait() == .abandoned)
    }
}
