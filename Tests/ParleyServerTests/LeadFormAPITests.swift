import Fluent
import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyLeads
import ParleyLLM
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing

/// The widget's lead form: offered when a turn calls for it, its values confirmed into the lead,
/// the summary e-mailed; bad input refused without a write; one tenant's session useless to another.
@Suite("Lead form")
struct LeadFormAPITests {
    func lead(_ server: ParleyTestServer, _ tenant: TenantID, _ key: String) async throws -> LeadProfile? {
        guard let session = try await server.stores.conversations.session(tenant: tenant, keyHash: KeyMaterial.hash(key)) else { return nil }
        return try await FluentLeadProfileStore(database: server.app.db(.parley)).profile(tenant: tenant, session: session.id)
    }

    func submit(_ server: ParleyTestServer, _ fields: [String: JSONValue], headers: [(String, String)] = []) async throws -> ParleyTestServer.Reply {
        try await server.send(.POST, "/a/sales/lead", headers: headers, body: Data(JSONValue.object(fields).jsonString.utf8))
    }

    @Test(arguments: TestBackend.available)
    func aVisitorWhoAsksForACallBackIsOfferedTheFormAndTheTeamIsMailed(_ backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend) { server in
            let demo = try await server.services.provisioner(server.stores).tenant(slug: "demo")
            let plain = try await server.chatTurn("What does the Aurora City weigh?")
            #expect(plain.events.last?.event == "done" && plain.events.last?.json["lead_form"] == nil)
            let asking = try await server.chatTurn("Could someone call me back about the Aurora City?")
            #expect(asking.events.last?.json["lead_form"]?.boolValue == true)
            let config = try await server.send(.GET, "/a/sales/config")
            #expect(config.json["lead_form"]?["enabled"]?.boolValue == true)
            #expect(config.json["lead_form"]?["fields"]?.arrayValue?.compactMap(\.stringValue) == ["name", "email", "phone", "note"])

            // The visitor's guess first, then the form: the form's values are confirmed and win.
            _ = try await server.chatTurn("I'm Tom, tom@old.example", sessionKey: asking.sessionKey)
            #expect(try await eventually { try await lead(server, demo.id, asking.sessionKey)?.email?.value == "tom@old.example" })
            let reply = try await submit(server, ["session_key": .string(asking.sessionKey), "name": "Tom Baker", "email": " Tom@Baker.example ",
                                                  "phone": "+44 20 7946 0958", "note": "Mornings are best.\nThanks", "consent": true])
            #expect(reply.status == 201, "\(reply.json)")
            #expect(reply.json["stage"]?.stringValue == "qualified")
            let recorded = try #require(try await lead(server, demo.id, asking.sessionKey))
            #expect(recorded.email == .init("tom@baker.example", messageID: nil, confirmed: true))
            #expect(recorded.name?.value == "Tom Baker" && recorded.name?.confirmed == true)
            #expect(recorded.phone?.value == "+442079460958" && recorded.fields[.note]?.value == "Mornings are best.\nThanks")
            #expect(recorded.contactConsentAt != nil)

            // A later guess in the chat does not overwrite what the visitor confirmed.
            _ = try await server.chatTurn("Or write to tom@other.example", sessionKey: asking.sessionKey)
            #expect(try await eventually { try await server.jobCount(kind: "leads.extract", states: ["queued", "running"]) == 0 }, "the message was read")
            #expect(try await lead(server, demo.id, asking.sessionKey)?.email?.value == "tom@baker.example")

            // The summary is written with the form as its trigger, and e-mailed to the team.
            let session = try #require(try await server.stores.conversations.session(tenant: demo.id, keyHash: KeyMaterial.hash(asking.sessionKey)))
            let summaries = FluentSummaryStore(database: server.app.db(.parley))
            #expect(try await eventually { try await summaries.latest(tenant: demo.id, session: session.id)?.trigger == .leadForm })
            let outbox = FluentEmailOutbox(database: server.app.db(.parley))
            #expect(try await eventually { try await outbox.recent(tenant: demo.id, session: session.id, limit: 5).count == 1 })
            let mail = try #require(try await outbox.recent(tenant: demo.id, session: session.id, limit: 5).first)
            #expect(mail.to == "sales@example.com" && mail.subject.contains("Tom Baker") && mail.subject.contains("asked to be contacted"))
            // Sent twice in the same minute (a double click): one summary e-mail.
            #expect(try await submit(server, ["session_key": .string(asking.sessionKey), "email": "tom@baker.example", "consent": true]).status == 201)
            try await Task.sleep(for: .milliseconds(800))
            #expect(try await outbox.recent(tenant: demo.id, session: session.id, limit: 5).count == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func badSubmissionsAreRefusedWithoutAWrite(_ backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend) { server in
            let demo = try await server.services.provisioner(server.stores).tenant(slug: "demo")
            let turn = try await server.chatTurn("Hello there")
            let key = JSONValue.string(turn.sessionKey)
            let cases: [([String: JSONValue], String)] = [
                (["session_key": key, "email": "a@b.example"], "consent_missing"),
                (["session_key": key, "email": "a@b.example", "consent": false], "consent_missing"),
                (["session_key": key, "name": "Ann", "consent": true], "contact_missing"),
                (["session_key": key, "email": "not an address", "consent": true], "invalid_email"),
                (["session_key": key, "email": "a@b.example\r\nBcc: x@y.example", "consent": true], "invalid_text"),
                (["session_key": key, "email": "a@b.example Bcc: x@y.example", "consent": true], "invalid_email"),
                (["session_key": key, "phone": "call me maybe", "consent": true], "invalid_phone"),
                (["session_key": key, "phone": "12", "consent": true], "invalid_phone"),
                (["session_key": key, "email": "a@b.example", "name": .string(String(repeating: "n", count: 201)), "consent": true], "field_too_long"),
                (["session_key": key, "email": "a@b.example", "name": "Ann\u{0007}", "consent": true], "invalid_text"),
                (["session_key": key, "email": "a@b.example", "company": "Acme", "consent": true], "unknown_field"),
                (["session_key": "ps_unknown", "email": "a@b.example", "consent": true], "unknown_session"),
                (["email": "a@b.example", "consent": true], "unknown_session"),
                (["session_key": key, "email": 5, "consent": true], "invalid_json"),
            ]
            for (fields, code) in cases {
                let reply = try await submit(server, fields)
                #expect(reply.errorCode == code, "\(fields): \(reply.status) \(reply.json)")
            }
            #expect(try await server.send(.POST, "/a/sales/lead", body: Data("email=a@b.example".utf8), contentType: "application/x-www-form-urlencoded").status == 415)
            #expect(try await server.send(.POST, "/a/sales/lead", body: Data("{".utf8)).errorCode == "invalid_json")
            #expect(try await submit(server, ["session_key": key, "note": .string(String(repeating: "x", count: 9000)), "consent": true]).status == 413)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await lead(server, demo.id, turn.sessionKey)?.contactConsentAt == nil, "nothing was recorded")
            #expect(try await server.rowCount("conversation_summaries") == 0)

            // A tenant that switches the form off refuses it; one that asks for the company takes it.
            let provisioner = server.services.provisioner(server.stores)
            _ = try await provisioner.editSettings(slug: "demo", assignments: ["leads.form=false"], removals: [])
            #expect(try await submit(server, ["session_key": key, "email": "a@b.example", "consent": true]).errorCode == "lead_form_disabled")
            #expect(try await server.send(.GET, "/a/sales/config").json["lead_form"]?["enabled"]?.boolValue == false)
            let quiet = try await server.chatTurn("Can someone call me back?")
            #expect(quiet.events.last?.json["lead_form"] == nil, "no form offered when it is off")
            _ = try await provisioner.editSettings(slug: "demo", assignments: ["leads.form=true", "leads.form_fields=name,company"], removals: [])
            #expect(try await server.send(.GET, "/a/sales/config").json["lead_form"]?["fields"]?.arrayValue?.compactMap(\.stringValue)
                        == ["name", "email", "phone", "company"], "e-mail and phone are always asked")
            #expect(try await submit(server, ["session_key": key, "email": "a@b.example", "company": "Acme", "consent": true]).status == 201)
            #expect(try await lead(server, demo.id, turn.sessionKey)?.fields[.company]?.value == "Acme")
        }
    }

    /// "Once a minute" is a minute since the last submission, not a clock minute: two submissions
    /// a second apart across a minute boundary queue one summary; one a minute later, another.
    @Test(arguments: TestBackend.available)
    func aSecondSubmissionWithinAMinuteQueuesNoSecondSummary(_ backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend) { server in
            let demo = try await server.services.provisioner(server.stores).tenant(slug: "demo")
            let turn = try await server.chatTurn("Hello there")
            let session = try #require(try await server.stores.conversations.session(tenant: demo.id, keyHash: KeyMaterial.hash(turn.sessionKey)))
            let capture = server.services.leadCapture(on: server.app.db(.parley))
            let form = LeadFormSubmission(values: [.email: "ann@example.com"], consent: true)
            let lastSecondOfAMinute = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 - 0.5)
            for offset in [0.0, 1.0, 59.0, 61.0] {
                _ = try await capture.submit(form, allowed: [.email], session: session.id, tenant: demo.id, now: lastSecondOfAMinute + offset)
            }
            #expect(try await server.jobCount(kind: "summaries.create") == 2, "at +0 s and at +61 s, a minute after the one that queued")
        }
    }

    @Test(arguments: TestBackend.available)
    func aSessionOfOneTenantIsUselessToAnother(_ backend: TestBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let server = try await ParleyTestServer.start(database) { $0.app.mode = .multiTenant }
        defer { Task { await server.stop(); await database.destroy() } }
        let provisioner = server.services.provisioner(server.stores)
        let alpha = try await provisioner.createTenant(name: "Alpha Ltd", slug: "alpha")
        let beta = try await provisioner.createTenant(name: "Beta Inc", slug: "beta")
        let (_, alphaKey) = try await server.chatTurn("Please call me back", headers: [("X-Parley-Tenant", alpha.tenant.widgetKey)])
        let asBeta = try await submit(server, ["session_key": .string(alphaKey), "email": "spy@beta.example", "consent": true],
                                      headers: [("X-Parley-Tenant", beta.tenant.widgetKey)])
        #expect(asBeta.errorCode == "unknown_session")
        #expect(try await lead(server, alpha.tenant.id, alphaKey)?.email == nil)
        let asAlpha = try await submit(server, ["session_key": .string(alphaKey), "email": "ann@alpha.example", "consent": true],
                                       headers: [("X-Parley-Tenant", alpha.tenant.widgetKey)])
        #expect(asAlpha.status == 201)
    }
}
