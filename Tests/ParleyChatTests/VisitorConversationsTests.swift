import Foundation
import ParleyChat
import ParleyCore
import ParleyTestSupport
import Testing

/// The visitor use cases on in-memory stores: what one tenant's bound use cases can and cannot reach.
@Suite("Visitor conversations")
struct VisitorConversationsTests {
    let conversations: InMemoryConversationStore
    let tickets: InMemoryStreamTicketStore
    let signer = StreamTokenSigner(secret: "unit-test-secret-0123456789")
    let shop = Tenant(id: TenantID(), name: "Shop", slug: "shop", isActive: true, widgetKey: "pk_shop")
    let other = Tenant(id: TenantID(), name: "Other", slug: "other", isActive: true, widgetKey: "pk_other")

    init() {
        conversations = InMemoryConversationStore()
        tickets = InMemoryStreamTicketStore(conversations: conversations)
    }

    func visitor(_ tenant: Tenant) -> VisitorConversations {
        VisitorConversations(tenant: tenant, conversations: conversations, tickets: tickets, signer: signer, streamTTLSeconds: 60)
    }

    @Test func postingStartsThenContinuesAConversationOfThisTenantAndAgentOnly() async throws {
        let first = try await visitor(shop).post("Hello", sessionKey: nil, agent: "sales")
        #expect(first.sessionKey.hasPrefix("ps_"))
        let second = try await visitor(shop).post("Again", sessionKey: first.sessionKey, agent: "sales")
        #expect(second.session.id == first.session.id)
        #expect(try await visitor(shop).history(key: first.sessionKey, agent: "sales").map(\.content) == ["Hello", "Again"])
        await #expect(throws: VisitorConversations.unknownSession) {
            _ = try await visitor(other).post("Sneaky", sessionKey: first.sessionKey, agent: "sales")
        }
        await #expect(throws: VisitorConversations.unknownSession) {
            _ = try await visitor(shop).post("Other agent", sessionKey: first.sessionKey, agent: "support")
        }
        await #expect(throws: VisitorConversations.unknownSession) {
            _ = try await visitor(other).history(key: first.sessionKey, agent: "sales")
        }
    }

    @Test func aStreamIdIsRedeemedOnceByItsOwnTenantAndConversation() async throws {
        let posted = try await visitor(shop).post("Question", sessionKey: nil, agent: "sales")
        let stream = visitor(shop).issueStream(for: posted)
        #expect(stream.expiresIn == 60)
        let claims = try signer.verify(stream.streamID)
        // Another tenant, another conversation's key or another agent cannot redeem it.
        await #expect(throws: ParleyError.self) { _ = try await visitor(other).redeem(claims, agent: "sales", sessionKey: nil, historyLimit: 10) }
        let elsewhere = try await visitor(shop).post("Other chat", sessionKey: nil, agent: "sales")
        await #expect(throws: ParleyError.self) { _ = try await visitor(shop).redeem(claims, agent: "sales", sessionKey: elsewhere.sessionKey, historyLimit: 10) }
        let redeemed = try await visitor(shop).redeem(claims, agent: "sales", sessionKey: posted.sessionKey, historyLimit: 10)
        let session = redeemed.session, window = redeemed.window
        #expect(session == posted.session.id && window.question.content == "Question" && window.history.isEmpty)
        do {
            _ = try await visitor(shop).redeem(claims, agent: "sales", sessionKey: nil, historyLimit: 10)
            Issue.record("a stream id was redeemed twice")
        } catch let error as ParleyError {
            #expect(error.code == "stream_used" && error.kind == .conflict)
        }
    }
}

@Suite("Consent desk")
struct ConsentDeskTests {
    let store = InMemoryConsentStore()
    let tenant = Tenant(id: TenantID(), name: "Shop", slug: "shop", isActive: true, widgetKey: "pk_shop",
                        settings: ["consent_required": true, "terms_version": "2"])

    @Test func currentTermsAreRecordedOldTermsConflictAndMessagesNeedConsent() async throws {
        let desk = ConsentDesk(tenant: tenant, defaults: ParleyConfig().consent, store: store)
        #expect(desk.policy.required && desk.policy.termsVersion == "2")
        await #expect(throws: ParleyError.self) { try await desk.requireConsent(visitorHash: nil) }
        await #expect(throws: ParleyError.self) { try await desk.requireConsent(visitorHash: "v1") }
        do {
            _ = try await desk.record(visitorHash: "v1", accepted: true, termsVersion: "1", ipAddress: nil, userAgent: nil)
            Issue.record("old terms were accepted")
        } catch let error as ParleyError {
            #expect(error.code == "stale_terms" && error.kind == .conflict)
        }
        let status = try await desk.record(visitorHash: "v1", accepted: true, termsVersion: "2", ipAddress: "203.0.113.9", userAgent: "UA")
        #expect(status.consented)
        try await desk.requireConsent(visitorHash: "v1")
        #expect(try await desk.status(visitorHash: "v2").consented == false)
        let declined = try await desk.record(visitorHash: "v2", accepted: false, termsVersion: "2", ipAddress: nil, userAgent: nil)
        #expect(declined.consented == false)
    }
}
