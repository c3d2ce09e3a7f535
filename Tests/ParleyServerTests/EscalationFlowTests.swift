import Fluent
import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyLLM
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing

/// Chat turns that hand their conversation to a person, through the HTTP chat and the database.
@Suite("Escalation flow")
struct EscalationFlowTests {
    @Test(arguments: TestBackend.available)
    func askingForAPersonOrAnUnsureAnswerOpensOneEscalationPerConversation(backend: TestBackend) async throws {
        // Hybrid retrieval with the local model offers passages for every question, with realistic
        // cosines, so an unsure answer can be withheld.
        try await ParleyTestServer.with(backend, adjust: { $0.embeddings.provider = "local"; $0.handoff.refuseBelow = 0.3 }) { server in
            let demo = try #require(try await server.stores.tenants.tenant(slug: "demo"))
            let escalations = server.stores.escalations

            // The demo knowledge base answers this well: no escalation.
            let (answered, sure) = try await server.chatTurn("How long does it take to charge the battery?")
            let confident = try #require(answered.last { $0.event == "done" })
            #expect(confident.json["message_id"] != nil)
            // A greeting's reply has no sources and scores low, but asks for nobody.
            _ = try await server.chatTurn("Hello!")
            #expect(try await escalations.openEscalations(tenant: demo.id, limit: 10).isEmpty)

            // Nothing in the knowledge base answers this: the answer scores below the refusal
            // threshold, so the visitor reads the hand-over message instead, and the conversation escalates.
            let (refused, _) = try await server.chatTurn("What is the capital of Australia?", sessionKey: sure)
            let handOver = ParleyConfig.HandoffSection().message
            #expect(refused.filter { $0.event == "token" }.compactMap { $0.json["text"]?.stringValue }.joined() == handOver)
            #expect(!refused.contains { $0.event == "citations" })
            let open = try await escalations.openEscalations(tenant: demo.id, limit: 10)
            #expect(open.count == 1 && open.first?.reason == .lowConfidence)
            let unsure = try #require(open.first?.confidence)
            #expect(unsure < 0.6)
            // The answer's metadata says so too.
            let answerID = try #require(open.first?.messageID)
            let stored = try #require(try await server.stores.conversations.message(tenant: demo.id, id: answerID))
            #expect(stored.metadata["escalation"] == .string("low_confidence"))
            #expect(stored.content == handOver)
            #expect(stored.metadata["withheld_answer"]?.stringValue?.isEmpty == false)
            #expect(stored.metadata["confidence"]?["score"]?.doubleValue.map { abs($0 - unsure) < 0.001 } == true)

            // Asking for a person in the same conversation does not open a second one.
            _ = try await server.chatTurn("Can I talk to a person?", sessionKey: sure)
            #expect(try await escalations.openEscalations(tenant: demo.id, limit: 10).count == 1)

            // A new conversation asking for a person (in Dutch) opens its own, for that reason.
            _ = try await server.chatTurn("Kan ik met een medewerker spreken?")
            let both = try await escalations.openEscalations(tenant: demo.id, limit: 10)
            #expect(both.map(\.reason) == [.lowConfidence, .visitorRequest])

            // Another tenant sees none of them, and cannot open one on a conversation of this tenant.
            let other = try await server.services.provisioner(server.stores).createTenant(name: "Other", slug: "other").tenant
            #expect(try await escalations.openEscalations(tenant: other.id, limit: 10).isEmpty)
            #expect(try await escalations.openEscalation(tenant: other.id, session: both[0].sessionID) == nil)
            await #expect(throws: ParleyError.self) {
                _ = try await escalations.open(Escalation(tenantID: other.id, sessionID: both[0].sessionID, reason: .agentDecision,
                                                          messageID: nil, confidence: nil, createdAt: Date()))
            }
            #expect(try await server.rowCount("escalations") == 2)

            // The panel's inbox lists both, oldest first, each linking to its transcript; another tenant's people get 404.
            let people = AdminTestPeople(server: server)
            let viewer = try await people.panelSession("v@demo.example", demo.id, .viewer)
            let inbox = String(decoding: try await viewer.get("/admin/t/demo/escalations").body, as: UTF8.self)
            #expect(inbox.contains("Unsure answer") && inbox.contains("Visitor asked for a person"))
            #expect(inbox.range(of: "Unsure answer")!.lowerBound < inbox.range(of: "Visitor asked for a person")!.lowerBound)
            #expect(inbox.contains("/admin/t/demo/conversations/\(both[0].sessionID)"))
            let stranger = try await people.panelSession("v@other.example", other.id, .viewer)
            #expect(try await stranger.get("/admin/t/demo/escalations").status == 404)
            #expect(String(decoding: try await stranger.get("/admin/t/other/escalations").body, as: UTF8.self).contains("No conversation is waiting"))

            // Operators close an escalation; viewers, forms without the token and other tenants cannot.
            let closePath = "/admin/t/demo/escalations/\(both[0].id)/close"
            #expect(!inbox.contains(closePath), "a viewer gets no close buttons")
            #expect(try await viewer.post(closePath, []).status == 403)
            let operatorSession = try await people.panelSession("op@demo.example", demo.id, .operator)
            #expect(try await operatorSession.post(closePath, [], csrf: false).status == 403)
            let otherOperator = try await people.panelSession("op@other.example", other.id, .operator)
            #expect(try await otherOperator.post(closePath, []).status == 404)
            #expect(try await otherOperator.post("/admin/t/other/escalations/\(both[0].id)/close", []).status == 404, "not another tenant's escalation")
            #expect(String(decoding: try await operatorSession.get("/admin/t/demo/escalations").body, as: UTF8.self).contains(closePath))
            let closed = try await operatorSession.post(closePath, [])
            #expect(closed.status == 303 && closed.headers.first(name: "Location") == "/admin/t/demo/escalations?done=escalation_closed")
            #expect(try await operatorSession.post(closePath, []).status == 404, "closed once")
            #expect(try await operatorSession.post("/admin/t/demo/escalations/not-an-id/close", []).status == 404)
            #expect(try await escalations.openEscalations(tenant: demo.id, limit: 10).map(\.reason) == [.visitorRequest])
            // The conversation can escalate again once closed.
            _ = try await server.chatTurn("Can I talk to a person?", sessionKey: sure)
            #expect(try await escalations.openEscalation(tenant: demo.id, session: both[0].sessionID)?.reason == .visitorRequest)
        }
    }
}
