import Fluent
import NIOHTTP1
import ParleyChat
import Foundation
import ParleyCore
import ParleyJobs
import ParleyLeads
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing

/// Summaries on demand (API), after inactivity (the sweep and its job), with the lead e-mail in
/// the outbox; who may ask; other tenants see nothing.
@Suite("Conversation summaries")
struct SummaryAPITests {
    @Test(arguments: TestBackend.available)
    func anOperatorSummarisesAConversationAndEmailsIt(_ backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend) { server in
            let provisioner = server.services.provisioner(server.stores)
            let demo = try await provisioner.tenant(slug: "demo")
            let other = try await provisioner.createTenant(name: "Other", slug: "other").tenant
            _ = try await provisioner.editSettings(slug: "demo", assignments: ["leads.recipients=team@demo.example, boss@demo.example"], removals: [])
            let first = try await server.chatTurn("Hello, I'm Anna Berg. How much does the Aurora City cost?")
            _ = try await server.chatTurn("Write to anna@example.com <b>please</b>", sessionKey: first.sessionKey)
            let session = try #require(try await server.stores.conversations.session(tenant: demo.id, keyHash: KeyMaterial.hash(first.sessionKey)))
            let people = AdminTestPeople(server: server)
            let operatorToken = try await people.token("op@demo.example", demo.id, .operator).token
            let viewerToken = try await people.token("viewer@demo.example", demo.id, .viewer).token
            let strangerToken = try await people.token("owner@other.example", other.id, .owner).token
            let path = "/api/v1/admin/tenants/demo/conversations/\(session.id)/summary"
            func post(_ token: String, _ body: String?, path: String = path, type: String = "application/json") async throws -> ParleyTestServer.Reply {
                try await server.send(.POST, path, headers: [("Authorization", "Bearer \(token)")], body: body.map { Data($0.utf8) }, contentType: type)
            }

            // Callers without the right role or tenant, and bad bodies, change nothing.
            #expect(try await server.send(.POST, path, body: Data("{}".utf8)).status == 401)
            #expect(try await post(viewerToken, "{}").status == 403)
            #expect(try await post(strangerToken, "{}", path: "/api/v1/admin/tenants/other/conversations/\(session.id)/summary").status == 404)
            #expect(try await post(operatorToken, "{\"email\": ").errorCode == "invalid_json")
            #expect(try await post(operatorToken, "{\"email\": \"yes\"}").errorCode == "invalid_json")
            #expect(try await post(operatorToken, "email=true", type: "application/x-www-form-urlencoded").status == 415)
            #expect(try await post(operatorToken, "{\"email\": true, \"pad\": \"\(String(repeating: "x", count: 4096))\"}").status == 413)
            #expect(try await post(operatorToken, "{}", path: "/api/v1/admin/tenants/demo/conversations/\(UUID())/summary").status == 404)
            #expect(try await post(operatorToken, "{}", path: "/api/v1/admin/tenants/demo/conversations/not-an-id/summary").status == 404)
            #expect(try await server.rowCount("conversation_summaries") == 0)
            #expect(try await server.rowCount("email_events") == 0)

            // Without an e-mail: a summary in the conversation's own words.
            let quiet = try await post(operatorToken, nil)
            #expect(quiet.status == 201, "\(quiet.json)")
            let text = try #require(quiet.json["summary"]?["text"]?.stringValue)
            #expect(text.contains("How much does the Aurora City cost?") && quiet.json["summary"]?["method"]?.stringValue == "extractive")
            #expect(quiet.json["emailed_to"]?.arrayValue?.isEmpty == true)

            // With one, each of the tenant's recipients gets the lead e-mail (kept in the outbox).
            #expect(try await eventually { try await FluentLeadProfileStore(database: server.app.db(.parley)).profile(tenant: demo.id, session: session.id)?.email != nil })
            let mailed = try await post(operatorToken, "{\"email\": true}")
            #expect(mailed.status == 201)
            #expect(Set(mailed.json["emailed_to"]?.arrayValue?.compactMap(\.stringValue) ?? []) == ["team@demo.example", "boss@demo.example"])
            let transcript = try await server.send(.GET, "/api/v1/admin/tenants/demo/conversations/\(session.id)",
                                                   headers: [("Authorization", "Bearer \(viewerToken)")])
            #expect(transcript.json["summary"]?["trigger"]?.stringValue == "on_demand")
            let emails = transcript.json["emails"]?.arrayValue ?? []
            #expect(emails.count == 2 && emails.allSatisfy { $0["status"]?.stringValue == "outbox" && $0["kind"]?.stringValue == "lead_summary" })
            #expect(emails.first?["subject"]?.stringValue?.contains("Anna Berg") == true)
            let stored = try await FluentEmailOutbox(database: server.app.db(.parley)).email(tenant: demo.id, id: EmailID(string: emails[0]["id"]!.stringValue!)!)
            let html = try #require(stored?.email.html)
            #expect(html.contains("&lt;b&gt;please&lt;/b&gt;") && !html.contains("<b>please</b>"), "the visitor's markup is escaped")
            #expect(stored?.email.text.contains("<b>please</b>") == true, "the text part keeps their words as written")

            // The panel's buttons: operators summarise (and e-mail) with the form's token; viewers cannot; no token, nothing.
            let panelPath = "/admin/t/demo/conversations/\(session.id)/summary"
            let operatorPanel = try await people.panelSession("op2@demo.example", demo.id, .operator)
            let viewerPanel = try await people.panelSession("viewer2@demo.example", demo.id, .viewer)
            let summariesBefore = try await server.rowCount("conversation_summaries")
            #expect(try await operatorPanel.post(panelPath, [], csrf: false).status == 403)
            #expect(try await viewerPanel.post(panelPath, []).status == 403)
            #expect(try await server.rowCount("conversation_summaries") == summariesBefore)
            let pressed = try await operatorPanel.post(panelPath, [("email", "1")])
            #expect(pressed.status == 303 && pressed.headers.first(name: "Location")?.hasSuffix("?done=summary_emailed") == true, "\(pressed.status)")
            #expect(try await server.rowCount("conversation_summaries") == summariesBefore + 1)
            let page = String(decoding: try await operatorPanel.get("/admin/t/demo/conversations/\(session.id)").body, as: UTF8.self)
            #expect(page.contains("Summarise and e-mail") && page.contains("team@demo.example") && page.contains("How much does the Aurora City cost?"))
            #expect(!String(decoding: try await viewerPanel.get("/admin/t/demo/conversations/\(session.id)").body, as: UTF8.self).contains("Summarise and e-mail"))

            // The panel's E-mails page lists them; one e-mail shows its text part; another tenant's id finds nothing.
            let emailsPage = String(decoding: try await viewerPanel.get("/admin/t/demo/emails").body, as: UTF8.self)
            #expect(emailsPage.contains("boss@demo.example") && emailsPage.contains("lead summary") && emailsPage.contains("outbox"))
            let shown = try await viewerPanel.get("/admin/t/demo/emails/\(emails[0]["id"]!.stringValue!)")
            #expect(shown.status == 200 && String(decoding: shown.body, as: UTF8.self).contains("&lt;b&gt;please&lt;/b&gt;"), "the text part, escaped by Leaf")
            #expect(try await viewerPanel.get("/admin/t/demo/emails/\(UUID())").status == 404)
            let strangerPanel = try await people.panelSession("owner2@other.example", other.id, .owner)
            #expect(try await strangerPanel.get("/admin/t/other/emails/\(emails[0]["id"]!.stringValue!)").status == 404)
            #expect(!String(decoding: try await strangerPanel.get("/admin/t/other/emails").body, as: UTF8.self).contains("boss@demo.example"))

            // Other tenants read none of it.
            #expect(try await FluentSummaryStore(database: server.app.db(.parley)).latest(tenant: other.id, session: session.id) == nil)
            #expect(try await FluentEmailOutbox(database: server.app.db(.parley)).email(tenant: other.id, id: stored!.id) == nil)
            #expect(try await FluentEmailOutbox(database: server.app.db(.parley)).recent(tenant: other.id, limit: 10).isEmpty)
        }
    }

    @Test(arguments: TestBackend.available)
    func aConversationThatWentQuietIsSummarisedOnceAndMailedWhenTheVisitorIsReachable(_ backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend) { server in
            let demo = try await server.services.provisioner(server.stores).tenant(slug: "demo")
            let reachable = try await server.chatTurn("My e-mail is lena@example.com, do you deliver to Vienna?")
            let anonymous = try await server.chatTurn("What are your opening hours?")
            let conversations = server.stores.conversations
            let lena = try #require(try await conversations.session(tenant: demo.id, keyHash: KeyMaterial.hash(reachable.sessionKey)))
            let someone = try #require(try await conversations.session(tenant: demo.id, keyHash: KeyMaterial.hash(anonymous.sessionKey)))
            let database = server.app.db(.parley)
            #expect(try await eventually { try await FluentLeadProfileStore(database: database).profile(tenant: demo.id, session: lena.id)?.email != nil })
            let sweep = InactivitySweep(summaries: FluentSummaryStore(database: database), jobs: server.services.jobs, inactivity: .seconds(1800))
            #expect(try await sweep.run() == 0, "nothing has been quiet for 30 minutes")
            let later = Date().addingTimeInterval(31 * 60)
            #expect(try await sweep.run(now: later) == 2)
            #expect(try await sweep.run(now: later) == 0, "the same quiet spell is queued once")
            let summaries = FluentSummaryStore(database: database)
            #expect(try await eventually {
                let first = try await summaries.latest(tenant: demo.id, session: lena.id)
                let second = try await summaries.latest(tenant: demo.id, session: someone.id)
                return first != nil && second != nil
            })
            #expect(try await summaries.latest(tenant: demo.id, session: lena.id)?.trigger == .inactivity)
            let outbox = FluentEmailOutbox(database: database)
            #expect(try await eventually { try await outbox.recent(tenant: demo.id, session: lena.id, limit: 5).count == 1 })
            #expect(try await outbox.recent(tenant: demo.id, session: lena.id, limit: 5).first?.to == "sales@example.com", "email.mock_sales_recipient")
            #expect(try await outbox.recent(tenant: demo.id, session: someone.id, limit: 5).isEmpty, "nobody to follow up: no e-mail")
            #expect(try await sweep.run(now: later.addingTimeInterval(600)) == 0, "summarised since the last message")
            // A new message starts a new quiet spell.
            _ = try await server.chatTurn("One more thing: do you have blue ones?", sessionKey: anonymous.sessionKey)
            #expect(try await sweep.run(now: Date().addingTimeInterval(31 * 60)) == 1)
        }
    }
}
