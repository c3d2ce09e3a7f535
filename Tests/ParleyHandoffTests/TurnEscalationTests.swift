import Foundation
import Logging
import ParleyCore
import ParleyHandoff
import ParleyTestSupport
import Testing

/// When a turn hands its conversation to a person: the visitor asks for one (in the widget's
/// five languages), or the answer's confidence is below the tenant's threshold.
@Suite("Turn escalation")
struct TurnEscalationTests {
    let tenant = TenantID()

    @Test(arguments: ["Can I talk to a person please?", "I want to speak to a HUMAN", "Kann ich mit einem Mitarbeiter sprechen?",
                      "Je voudrais parler à quelqu'un", "Kan ik met een medewerker spreken?", "¿Puedo hablar con una persona?"])
    func visitorsAskingForAPersonAreHeardInFiveLanguages(message: String) {
        #expect(PersonRequest.asksForPerson(message))
    }

    @Test(arguments: ["How heavy is the City?", "Do you ship to France?", "Is the person who delivers also assembling it?", "Wie schwer ist das Rad?"])
    func ordinaryQuestionsAreNotRequests(message: String) {
        #expect(!PersonRequest.asksForPerson(message))
    }

    @Test func rulesComeFromTheConfigurationUnlessTheTenantSetsValidOnes() {
        let config = ParleyConfig.HandoffSection()
        #expect(HandoffPolicy(config: config, tenantSettings: .object([:])) == HandoffPolicy(escalateBelow: 0.6, refuseBelow: 0.3, message: config.message))
        let own = HandoffPolicy(config: config, tenantSettings: ["handoff": ["escalate_below": 0.45, "refuse_below": 2, "message": " Ask Anna. "]])
        #expect(own == HandoffPolicy(escalateBelow: 0.45, refuseBelow: 0.3, message: "Ask Anna."), "a value outside [0, 1] is ignored")
        #expect(HandoffPolicy(config: config, tenantSettings: ["handoff": ["message": .string(String(repeating: "x", count: 1001))]]).message == config.message)
        #expect(HandoffPolicy(config: config, tenantSettings: ["handoff": "high"]).escalateBelow == 0.6)
    }

    @Test func aRequestOrALowScoreEscalatesOnceWhileOpen() async throws {
        let store = InMemoryEscalationStore()
        let escalation = TurnEscalation(store: store) { _ in HandoffPolicy(escalateBelow: 0.5, refuseBelow: 0.2) }
        // As a chat turn asks: the rules for the question, then the reason under them.
        func reason(_ question: String, _ confidence: AnswerConfidence?) async -> EscalationReason? {
            escalation.reason(question: question, confidence: confidence, policy: await escalation.policy(tenant: tenant, question: question))
        }
        let sure = AnswerConfidence(retrievalSimilarity: 0.9, sourceCoverage: 1, answerCoherence: 1)
        let unsure = AnswerConfidence(retrievalSimilarity: 0.1, sourceCoverage: 0.5, answerCoherence: 0.5)
        #expect(await reason("How heavy is it?", sure) == nil)
        #expect(await reason("How heavy is it?", unsure) == .lowConfidence)
        #expect(await reason("Let me talk to someone", sure) == .visitorRequest)
        #expect(await reason("How heavy is it?", nil) == nil)
        // A greeting's reply scores low (no passages) but asks for no person.
        for greeting in ["Hello!", "thanks so much", "Vielen Dank", "Merci beaucoup", "Hola, buenos días"] {
            #expect(await reason(greeting, unsure) == nil, "\(greeting)")
            #expect(await escalation.policy(tenant: tenant, question: greeting) == nil)
        }
        #expect(await escalation.policy(tenant: tenant, question: "How heavy is it?")?.refuseBelow == 0.2)

        let session = SessionID()
        await escalation.escalate(tenant: tenant, session: session, reason: .lowConfidence, answer: MessageID(), confidence: unsure)
        await escalation.escalate(tenant: tenant, session: session, reason: .visitorRequest, answer: MessageID(), confidence: sure)
        let open = try await store.openEscalations(tenant: tenant, limit: 10)
        #expect(open.count == 1 && open.first?.reason == .lowConfidence && open.first?.confidence == unsure.score)
        #expect(try await store.openEscalations(tenant: TenantID(), limit: 10).isEmpty)
    }

    @Test func theOpeningCarriesTheWaitToPromiseAndTheAnnouncementReachesFollowers() async throws {
        let desk = TakeoverWaitsTests.Desk(), bus = LocalSessionEventBus()
        let quiet = TenantID(), busy = TenantID(), session = SessionID()
        await desk.setWaits([.seconds(120), .seconds(30), .seconds(60)], for: busy)
        let escalation = TurnEscalation(store: InMemoryEscalationStore(), policies: { _ in HandoffPolicy() }, handoff: { tenant in
            VisitorHandoff(tenant: tenant, store: desk, bus: bus, waits: TakeoverWaits(), logger: .init(label: "test"))
        })
        let first = try #require(await escalation.opening(tenant: quiet, session: session, reason: .visitorRequest, confidence: nil),
                                 "a tenant without takeovers yet promises no wait, and still opens with its answer")
        #expect(first.expectedWait == nil && first.staffed && first.escalation.reason == .visitorRequest)
        #expect(first.escalation.tenantID == quiet && first.escalation.sessionID == session && first.escalation.messageID == nil)
        let unsure = AnswerConfidence(retrievalSimilarity: 0.1, sourceCoverage: 0.5, answerCoherence: 0.5)
        let second = try #require(await escalation.opening(tenant: busy, session: session, reason: .lowConfidence, confidence: unsure))
        #expect(second.expectedWait == .seconds(60) && second.escalation.confidence == unsure.score)
        #expect(second.escalation.reason == .lowConfidence && second.staffed)

        let followed = await bus.subscribe(tenant: busy, session: session)
        var heard = followed.makeAsyncIterator()
        let event = SessionEvent(tenantID: busy, sessionID: session, sequence: 4, kind: .escalated, data: ["reason": "low_confidence"], createdAt: Date())
        await escalation.announce(HandoffRecord(events: [event]), opening: second)
        #expect(await heard.next() == event)

        let silent = TurnEscalation(store: InMemoryEscalationStore()) { _ in HandoffPolicy() }
        #expect(await silent.opening(tenant: quiet, session: session, reason: .visitorRequest, confidence: nil) == nil,
                "without a hand-over to announce it, the escalation is opened after the answer")
    }
}
