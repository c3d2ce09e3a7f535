import Fluent
import Foundation
import ParleyCore
@testable import ParleyServer
@testable import ParleyStore
import ParleyTestSupport
import SQLKit
import Testing

/// A turn that escalates opens its escalation in the answer's write: the answer, the escalation
/// (naming the answer) and its `escalated` event together, or none of them; nothing more while
/// the conversation has one open; never in another tenant's conversation. On PostgreSQL the
/// event's notice leaves with that statement.
@Suite("Escalations opened with the answer")
struct EscalationWithAnswerTests {
    func opening(_ tenant: TenantID, _ session: SessionID, _ reason: EscalationReason = .lowConfidence,
                 wait: Duration? = .seconds(120), staffed: Bool = true) -> EscalationOpening {
        EscalationOpening(escalation: Escalation(tenantID: tenant, sessionID: session, reason: reason, messageID: nil, confidence: 0.25,
                                                 createdAt: Date(timeIntervalSince1970: 1_800_000_000)),
                          expectedWait: wait, staffed: staffed)
    }

    func call(_ tenant: TenantID, _ session: SessionID) -> LLMCallRecord {
        LLMCallRecord(tenantID: tenant, sessionID: session, provider: "extractive", model: "m", requestBody: ["question": "q"],
                      responseBody: ["content": "a"], usage: TokenUsage(promptTokens: 3, completionTokens: 2), latencyMs: 4, succeeded: true)
    }

    @Test(arguments: TestBackend.available)
    func theAnswerOpensTheEscalationWithItsEventOnceAndOnlyInItsTenantsConversation(_ backend: TestBackend) async throws {
        try await ParleyTestServer.withTwoTenants(backend) { server, acme, other in
            let database = server.app.db(.parley)
            let stores = server.app.parley.stores(on: database)
            let log = FluentLLMRequestLog(database: database)
            let (session, _) = try await stores.conversations.createSession(tenant: acme.id, agentCode: "sales", keyHash: KeyMaterial.hash("k"),
                                                                           firstMessage: NewMessage(role: .human, content: "Can I talk to a person?"))
            let asked = opening(acme.id, session.id, .visitorRequest)

            let (answer, outcome) = try await stores.answers.append(tenant: acme.id, session: session.id, answer: NewMessage(role: .assistant, content: "Sure."),
                                                                  calls: [call(acme.id, session.id)], opening: asked)
            let stored = try await stores.live.events(tenant: acme.id, session: session.id, after: 0, limit: 10)
            #expect(stored.count == 1)
            let event = try #require(stored.first)
            #expect(event.kind == .escalated && event.data["reason"] == "visitor_request" && event.data["staffed"] == true)
            #expect(event.data["expected_wait_seconds"] == .number(120))
            #expect(outcome == .opened(HandoffRecord(events: [event], toldOtherProcesses: backend == .postgres)),
                    "the record is the stored event, told to other processes by its statement on PostgreSQL only")
            let open = try #require(try await stores.escalations.openEscalation(tenant: acme.id, session: session.id))
            #expect(open.id == asked.escalation.id && open.messageID == answer.id && open.reason == .visitorRequest && open.confidence == 0.25)
            #expect(try await stores.conversations.message(tenant: acme.id, id: answer.id)?.content == "Sure.")
            #expect(try await log.rows(tenant: acme.id).count == 1)

            // While it is open, the next escalating answer is written and opens nothing.
            let (second, again) = try await stores.answers.append(tenant: acme.id, session: session.id, answer: NewMessage(role: .assistant, content: "Still here."),
                                                                calls: [], opening: opening(acme.id, session.id, wait: nil, staffed: false))
            #expect(again == .alreadyOpen)
            #expect(try await stores.conversations.message(tenant: acme.id, id: second.id)?.content == "Still here.")
            #expect(try await stores.live.events(tenant: acme.id, session: session.id, after: 0, limit: 10).count == 1)
            #expect(try await stores.escalations.openEscalations(tenant: acme.id, limit: 10).map(\.id) == [asked.escalation.id])

            // Another tenant's conversation, even with an opening naming it: refused, nothing written.
            for named in [other.id, acme.id] {
                await #expect(throws: ParleyError.self) {
                    try await stores.answers.append(tenant: other.id, session: session.id, answer: NewMessage(role: .assistant, content: "spy"),
                                                    calls: [call(other.id, session.id)], opening: opening(named, session.id))
                }
            }
            #expect(try await stores.escalations.openEscalations(tenant: other.id, limit: 10).isEmpty)
            #expect(try await stores.live.events(tenant: other.id, session: session.id, after: 0, limit: 10).isEmpty)
            #expect(try await stores.live.events(tenant: acme.id, session: session.id, after: 0, limit: 10).count == 1)
            #expect(try await log.rows(tenant: other.id).isEmpty)
            #expect(try await stores.conversations.history(tenant: acme.id, session: session.id, limit: 10).map(\.content)
                    == ["Can I talk to a person?", "Sure.", "Still here."])

            // Once it is closed, the next escalating answer opens a new one, numbered after the earlier events.
            _ = try await stores.live.apply(.release(.closed, by: OperatorIdentity(id: AdminUserID(), name: "Ada")), tenant: acme.id, session: session.id, at: Date())
            let (_, reopened) = try await stores.answers.append(tenant: acme.id, session: session.id, answer: NewMessage(role: .assistant, content: "Hmm."),
                                                              calls: [], opening: opening(acme.id, session.id, wait: nil, staffed: false))
            guard case .opened(let record) = reopened else {
                Issue.record("a closed escalation does not stop the next one: \(reopened)")
                return
            }
            #expect(record.events.map(\.sequence) == [3] && record.events.first?.data == ["reason": "low_confidence", "staffed": false])
        }
    }

    /// The database refuses the escalation (here a trigger, as a lost race for the event's number
    /// would): the answer is still written, alone, and the turn is told to open the escalation itself.
    @Test(arguments: TestBackend.available)
    func anEscalationTheWriteCannotTakeLeavesTheAnswerWritten(_ backend: TestBackend) async throws {
        try await ParleyTestServer.withTwoTenants(backend) { server, acme, _ in
            let database = server.app.db(.parley)
            let sql = try #require(database as? any SQLDatabase)
            if backend == .postgres {
                try await sql.raw("""
                    CREATE FUNCTION refuse_escalation() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$
                    """).run()
                try await sql.raw("CREATE TRIGGER refuse BEFORE INSERT ON escalations FOR EACH ROW EXECUTE FUNCTION refuse_escalation()").run()
            } else {
                try await sql.raw("CREATE TRIGGER refuse BEFORE INSERT ON escalations BEGIN SELECT RAISE(ABORT, 'refused'); END").run()
            }
            let stores = server.app.parley.stores(on: database)
            let (session, _) = try await stores.conversations.createSession(tenant: acme.id, agentCode: "sales", keyHash: KeyMaterial.hash("k"),
                                                                           firstMessage: NewMessage(role: .human, content: "A person, please"))
            let (answer, outcome) = try await stores.answers.append(tenant: acme.id, session: session.id, answer: NewMessage(role: .assistant, content: "Sure."),
                                                                  calls: [call(acme.id, session.id)], opening: opening(acme.id, session.id, .visitorRequest))
            #expect(outcome == .notAttempted)
            #expect(try await stores.conversations.history(tenant: acme.id, session: session.id, limit: 10).map(\.id).last == answer.id)
            #expect(try await FluentLLMRequestLog(database: database).rows(tenant: acme.id).count == 1, "the call is written once, with the answer")
            #expect(try await stores.escalations.openEscalations(tenant: acme.id, limit: 10).isEmpty)
            #expect(try await stores.live.events(tenant: acme.id, session: session.id, after: 0, limit: 10).isEmpty)
        }
    }

    @Test func onPostgreSQLTheEventsNoticeLeavesWithTheAnswersStatement() async throws {
        try await ParleyTestServer.withDemoConversation(listeningTo: PostgresSessionEventBus.channel) { server, demo, session, heard in
            let services = server.app.parley
            let stores = services.stores(on: server.app.db(.parley))
            _ = try await stores.answers.append(tenant: demo.id, session: session, answer: NewMessage(role: .assistant, content: "Sure."),
                                                calls: [], opening: opening(demo.id, session, .visitorRequest))
            let (_, again) = try await stores.answers.append(tenant: demo.id, session: session, answer: NewMessage(role: .assistant, content: "Yes."),
                                                           calls: [], opening: opening(demo.id, session))
            #expect(again == .alreadyOpen)
            let payloads = try await heard.waitFor(1)
            try await Task.sleep(for: .milliseconds(300))
            #expect(await heard.count == 1, "one notice: none for the answer that opened nothing")
            let notice = try JSONDecoder().decode(PostgresSessionEventBus.Notice.self, from: Data(try #require(payloads.first).utf8))
            let event = try #require(try await stores.live.events(tenant: demo.id, session: session, after: 0, limit: 10).first)
            #expect(notice.origin == services.processID && notice.tenant == demo.id.uuid && notice.session == session.uuid)
            #expect(notice.sequence == event.sequence && notice.kind == "escalated" && notice.createdAt == Millis.of(event.createdAt))
            #expect(notice.data.flatMap { JSONValue.parse(Data($0.utf8)) } == event.data)
        }
    }
}
