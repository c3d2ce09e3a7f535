import Fluent
import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyLeads
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing

/// After each visitor message a job reads it into the conversation's lead: the admin transcript
/// (API and panel) shows name, e-mail, phone and interests; the answer never waits for it; other
/// tenants see nothing of it.
@Suite("Lead extraction")
struct LeadExtractionTests {
    @Test(arguments: TestBackend.available)
    func aVisitorsContactDetailsBecomeTheirLead(_ backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend) { server in
            let provisioner = server.services.provisioner(server.stores)
            let demo = try await provisioner.tenant(slug: "demo")
            let other = try await provisioner.createTenant(name: "Other", slug: "other").tenant
            let first = try await server.chatTurn("Hi, I'm Anna Berg and I'd like a test ride on the Aurora City")
            _ = try await server.chatTurn("You can reach me at anna@example.com or +49 30 1234567", sessionKey: first.sessionKey)
            let session = try #require(try await server.stores.conversations.session(tenant: demo.id, keyHash: KeyMaterial.hash(first.sessionKey)))
            let profiles = FluentLeadProfileStore(database: server.app.db(.parley))
            #expect(try await eventually { try await profiles.profile(tenant: demo.id, session: session.id)?.phone != nil }, "both messages were read")
            let lead = try #require(try await profiles.profile(tenant: demo.id, session: session.id))
            #expect(lead.name?.value == "Anna Berg" && lead.email?.value == "anna@example.com" && lead.phone?.value == "+49301234567")
            #expect(lead.stage == .qualified && !lead.interests.isEmpty, "\(lead.interests.map(\.value))")
            #expect(lead.name?.confirmed == false, "read from the visitor's words, not confirmed")

            let people = AdminTestPeople(server: server)
            let viewer = try await people.token("viewer@demo.example", demo.id, .viewer).token
            let transcript = try await server.send(.GET, "/api/v1/admin/tenants/demo/conversations/\(session.id)", headers: [("Authorization", "Bearer \(viewer)")])
            #expect(transcript.json["lead"]?["email"]?["value"]?.stringValue == "anna@example.com")
            #expect(transcript.json["lead"]?["stage"]?.stringValue == "qualified")
            let panel = try await people.panelSession("owner@demo.example", demo.id, .owner)
            let page = String(decoding: try await panel.get("/admin/t/demo/conversations/\(session.id)").body, as: UTF8.self)
            #expect(page.contains("anna@example.com") && page.contains("Anna Berg"))

            // Another tenant's people and reads see none of it.
            let stranger = try await people.token("owner@other.example", other.id, .owner).token
            #expect(try await server.send(.GET, "/api/v1/admin/tenants/other/conversations/\(session.id)",
                                          headers: [("Authorization", "Bearer \(stranger)")]).status == 404)
            #expect(try await profiles.profile(tenant: other.id, session: session.id) == nil)
            // Without a model, a message the rules find nothing in queues no job (it would change nothing).
            let queued = try await server.jobCount(kind: "leads.extract")
            _ = try await server.chatTurn("What are your opening hours on Saturday?")
            #expect(try await server.jobCount(kind: "leads.extract") == queued)
            _ = try await server.chatTurn("Write to me at sam@example.com")
            #expect(try await server.jobCount(kind: "leads.extract") == queued + 1)

            let extraction = server.services.leadExtraction(on: server.app.db(.parley))
            let messages = try await server.stores.conversations.history(tenant: demo.id, session: session.id, limit: 10)
            #expect(try await extraction.read(message: messages[0].id, tenant: other.id) == nil, "a message id of another tenant finds nothing")
            #expect(try await extraction.read(message: messages[1].id, tenant: demo.id) == nil, "an answer is not the visitor's")
            #expect(try await extraction.read(message: messages[0].id, tenant: demo.id) == lead, "reading a message again changes nothing")
        }
    }
}
