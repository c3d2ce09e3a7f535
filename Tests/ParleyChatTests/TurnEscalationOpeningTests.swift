import Foundation
import Logging
import ParleyChat
import ParleyCore
import ParleyLLM
import ParleyTestSupport
import Testing

/// A turn that escalates hands its escalation to the answer's write, and then announces what
/// that write opened; when the write could not take it, the turn opens it after the answer as
/// before; a conversation already escalated asks for nothing.
@Suite("Escalations opened with the turn's answer")
struct TurnEscalationOpeningTests {
    let tenant = TenantID()

    /// Every question asks for a person; records what the turn asks of it.
    actor Escalating: TurnEscalating {
        let offersOpening: Bool
        var openingsAsked = 0
        var announced: [(HandoffRecord, EscalationOpening)] = []
        var escalated: [MessageID] = []

        init(offersOpening: Bool) { self.offersOpening = offersOpening }

        func policy(tenant: TenantID, question: String) async -> HandoffPolicy? { HandoffPolicy() }
        nonisolated func reason(question: String, confidence: AnswerConfidence?, policy: HandoffPolicy?) -> EscalationReason? { .visitorRequest }
        func escalate(tenant: TenantID, session: SessionID, reason: EscalationReason, answer: MessageID, confidence: AnswerConfidence?) async {
            escalated.append(answer)
        }

        func opening(tenant: TenantID, session: SessionID, reason: EscalationReason, confidence: AnswerConfidence?) async -> EscalationOpening? {
            openingsAsked += 1
            guard offersOpening else { return nil }
            return EscalationOpening(escalation: Escalation(tenantID: tenant, sessionID: session, reason: reason, messageID: nil, confidence: nil,
                                                            createdAt: Date()), expectedWait: nil, staffed: true)
        }

        func announce(_ record: HandoffRecord, opening: EscalationOpening) async { announced.append((record, opening)) }
    }

    /// Answers in memory, answering every opening with `outcome`.
    actor Answers: TurnAnswerStore {
        let conversations: InMemoryConversationStore
        let outcome: EscalationOpeningOutcome
        var openings: [EscalationOpening] = []
        var plainWrites = 0

        init(_ conversations: InMemoryConversationStore, outcome: EscalationOpeningOutcome) {
            self.conversations = conversations
            self.outcome = outcome
        }

        func append(tenant: TenantID, session: SessionID, answer: NewMessage, calls: [LLMCallRecord]) async throws -> StoredMessage {
            plainWrites += 1
            return try await conversations.append(tenant: tenant, session: session, message: answer)
        }

        func append(tenant: TenantID, session: SessionID, answer: NewMessage, calls: [LLMCallRecord],
                    opening: EscalationOpening) async throws -> (message: StoredMessage, escalation: EscalationOpeningOutcome) {
            openings.append(opening)
            return (try await conversations.append(tenant: tenant, session: session, message: answer), outcome)
        }

        func append(_ record: LLMCallRecord) async throws {}
    }

    static let record = HandoffRecord(events: [SessionEvent(tenantID: TenantID(), sessionID: SessionID(), sequence: 1, kind: .escalated,
                                                            data: ["reason": "visitor_request"], createdAt: Date())])

    func turn(_ escalation: Escalating, outcome: EscalationOpeningOutcome, alreadyEscalated: Bool = false) async throws -> (MessageID?, Answers) {
        let conversations = InMemoryConversationStore()
        let answers = Answers(conversations, outcome: outcome)
        let runner = ChatTurnRunner(conversations: conversations, retriever: FixedRetriever([:]),
                                    model: ScriptedChatModel(tokens: ["One moment."], ending: .finish(nil)), escalation: escalation, answers: answers)
        let (session, question) = try await conversations.createSession(tenant: tenant, agentCode: "sales", keyHash: "h",
                                                                       firstMessage: NewMessage(role: .human, content: "A person please"))
        let agent = ResolvedAgent(code: "sales", name: "Sales", persona: DefaultPersonas.sales(tenant: tenant, businessName: "Acme"),
                                  model: "m", temperature: 0.1, maxTokens: 50, historyWindow: 4, retrievalTopK: 3)
        let last = await runner.complete(.init(tenant: tenant, session: session.id, question: question, agent: agent, logger: Logger(label: "t"),
                                               alreadyEscalated: alreadyEscalated))
        guard case .done(let result) = last else {
            Issue.record("the turn did not finish: \(last)")
            return (nil, answers)
        }
        return (result.messageID, answers)
    }

    @Test func anEscalationOpenedByTheAnswersWriteIsAnnouncedAndNotOpenedAgain() async throws {
        let escalation = Escalating(offersOpening: true)
        let (answer, answers) = try await turn(escalation, outcome: .opened(Self.record))
        let openings = await answers.openings
        #expect(openings.count == 1 && openings.first?.escalation.reason == .visitorRequest)
        #expect(await answers.plainWrites == 0)
        let announced = await escalation.announced
        #expect(announced.count == 1 && announced.first?.0 == Self.record && announced.first?.1 == openings.first)
        #expect(await escalation.escalated.isEmpty)
        #expect(answer != nil)
    }

    @Test func anEscalationAlreadyOpenIsNeitherAnnouncedNorOpened() async throws {
        let escalation = Escalating(offersOpening: true)
        _ = try await turn(escalation, outcome: .alreadyOpen)
        #expect(await escalation.announced.isEmpty)
        #expect(await escalation.escalated.isEmpty)
    }

    @Test func aWriteThatDidNotTakeTheEscalationLeavesItToTheTurn() async throws {
        let escalation = Escalating(offersOpening: true)
        let (answer, answers) = try await turn(escalation, outcome: .notAttempted)
        #expect(await answers.openings.count == 1)
        #expect(await escalation.announced.isEmpty)
        #expect(await escalation.escalated == [try #require(answer)], "opened after the answer, naming it")
    }

    @Test func withoutAnOpeningTheAnswerIsWrittenAloneAndTheEscalationAfterIt() async throws {
        let escalation = Escalating(offersOpening: false)
        let (answer, answers) = try await turn(escalation, outcome: .opened(Self.record))
        #expect(await answers.openings.isEmpty)
        #expect(await answers.plainWrites == 1)
        #expect(await escalation.escalated == [try #require(answer)])
    }

    @Test func aConversationAlreadyEscalatedAsksForNoOpening() async throws {
        let escalation = Escalating(offersOpening: true)
        let (_, answers) = try await turn(escalation, outcome: .opened(Self.record), alreadyEscalated: true)
        #expect(await escalation.openingsAsked == 0)
        #expect(await answers.openings.isEmpty)
        #expect(await answers.plainWrites == 1)
        #expect(await escalation.announced.isEmpty)
        #expect(await escalation.escalated.isEmpty)
    }
}
