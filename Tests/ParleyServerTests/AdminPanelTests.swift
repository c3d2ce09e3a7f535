import Fluent
import Foundation
import NIOHTTP1
import ParleyAccounts
import ParleyChat
import ParleyCore
import ParleyIngest
import ParleyServer
import ParleyTestSupport
import Testing

/// The admin panel over HTTP: sign-in with its form token, pages behind the session cookie,
/// CSRF on every form, roles and tenants as in the API (404 for another tenant's), escaping,
/// and the forms doing what the API does. The same pages in Chromium: Tests/Browser.
@Suite("Admin panel")
struct AdminPanelTests {
    @Test func signInFormSetsTheCookieAndRefusesWhatItShould() async throws {
        try await ParleyTestServer.with(.sqlite) { server in
            let demo = try #require(try await server.stores.tenants.tenant(slug: "demo"))
            _ = try await AdminTestPeople(server: server).accounts.create(email: "owner@demo.example", displayName: "Owner",
                                                                          password: "correct horse battery", membership: (demo.id, .owner))
            let away = try await server.send(.GET, "/admin/t/demo/conversations?agent=sales")
            #expect(away.status == 303 && away.headers.first(name: "Location") == "/admin/login?next=%2Fadmin%2Ft%2Fdemo%2Fconversations%3Fagent%3Dsales")

            let form = try await server.send(.GET, "/admin/login")
            let html = String(decoding: form.body, as: UTF8.self)
            #expect(form.status == 200 && form.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
            let token = try #require(html.firstMatch(of: /name="_login" value="([^"]+)"/)?.1).description
            let loginCookie = try #require(form.headers["Set-Cookie"].first { $0.hasPrefix("parley_login=") })
            #expect(loginCookie.contains("HttpOnly") && loginCookie.contains("SameSite=Strict"))
            func signIn(_ fields: String, cookie: String? = "parley_login=\(token)") async throws -> ParleyTestServer.Reply {
                try await server.send(.POST, "/admin/login", headers: cookie.map { [("Cookie", $0)] } ?? [], body: Data(fields.utf8),
                                      contentType: "application/x-www-form-urlencoded")
            }
            let wrong = try await signIn("email=owner%40demo.example&password=wrong+password+1&_login=\(token)&next=%2Fadmin")
            #expect(wrong.status == 401 && String(decoding: wrong.body, as: UTF8.self).contains("role=\"alert\""))
            #expect(!String(decoding: wrong.body, as: UTF8.self).contains("wrong password 1"), "a password is never echoed")
            let forged = try await signIn("email=owner%40demo.example&password=correct+horse+battery&_login=\(token)", cookie: "parley_login=other")
            #expect(forged.status == 403 && forged.headers["Set-Cookie"].allSatisfy { !$0.hasPrefix("parley_admin=") }, "login CSRF refused")
            let elsewhere = try await signIn("email=owner%40demo.example&password=correct+horse+battery&_login=\(token)&next=%2F%2Fevil.example%2F")
            #expect(elsewhere.status == 303 && elsewhere.headers.first(name: "Location") == "/admin", "never redirected off the panel")
            let session = try #require(elsewhere.headers["Set-Cookie"].first { $0.hasPrefix("parley_admin=") })
            #expect(session.contains("HttpOnly") && session.contains("SameSite=Strict"))
            let cookie = String(session.split(separator: ";")[0])
            let overview = try await server.send(.GET, "/admin/t/demo", headers: [("Cookie", cookie)])
            #expect(overview.status == 200 && overview.headers.first(name: "Cache-Control") == "no-store")
            #expect(String(decoding: overview.body, as: UTF8.self).contains("Demo Company"))

            // Signing out needs the form's token, then ends the session.
            let page = String(decoding: overview.body, as: UTF8.self)
            let csrf = try #require(page.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1).description
            let noToken = try await server.send(.POST, "/admin/logout", headers: [("Cookie", cookie)], body: Data(), contentType: "application/x-www-form-urlencoded")
            #expect(noToken.status == 403)
            let out = try await server.send(.POST, "/admin/logout", headers: [("Cookie", cookie)], body: Data("_csrf=\(csrf)".utf8),
                                            contentType: "application/x-www-form-urlencoded")
            #expect(out.status == 303)
            #expect(try await server.send(.GET, "/admin/t/demo", headers: [("Cookie", cookie)]).status == 303, "the old cookie no longer works")
        }
    }

    @Test(arguments: TestBackend.available)
    func pagesAndFormsFollowRolesTenantsAndCSRF(_ backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend) { server in
            let provisioner = server.services.provisioner(server.stores)
            let demo = try await provisioner.tenant(slug: "demo")
            let other = try await provisioner.createTenant(name: "Other <b>Co</b>", slug: "other").tenant
            let people = AdminTestPeople(server: server)
            let owner = try await people.panelSession("owner@demo.example", demo.id, .owner)
            let viewer = try await people.panelSession("viewer@demo.example", demo.id, .viewer)
            let stranger = try await people.panelSession("owner@other.example", other.id, .owner)

            for path in ["", "/conversations", "/escalations", "/agents", "/knowledge", "/playground", "/quality", "/usage", "/personas/sales"] {
                let page = try await owner.get("/admin/t/demo" + path)
                #expect(page.status == 200, "\(path): \(page.status)")
                #expect(page.headers.first(name: "Content-Security-Policy")?.contains("script-src 'self'") == true)
                #expect(try await viewer.get("/admin/t/demo" + path).status == 200)
                #expect(try await stranger.get("/admin/t/demo" + path).status == 404, "\(path): another tenant's page is not found")
            }
            #expect(try await owner.get("/admin/t/other").status == 404)

            // A persona through the form: not without the token, not as a viewer, then saved and used by the chat.
            let fields = [("name", "Sunny <script>alert(1)</script>"), ("system_prompt", "You are Sunny. PANEL-MARKER-9.")]
            #expect(try await owner.post("/admin/t/demo/personas/sales", fields, csrf: false).status == 403)
            #expect(try await viewer.post("/admin/t/demo/personas/sales", fields).status == 403)
            #expect(try await stranger.post("/admin/t/demo/personas/sales", fields).status == 404)
            let resolver = server.services.agentResolver(server.stores)
            #expect(try await resolver.resolve(tenant: demo, code: "sales").persona.systemPrompt.contains("PANEL-MARKER-9") == false)
            let saved = try await owner.post("/admin/t/demo/personas/sales", fields)
            #expect(saved.status == 303 && saved.headers.first(name: "Location") == "/admin/t/demo/agents?done=persona_saved")
            #expect(try await resolver.resolve(tenant: demo, code: "sales").persona.systemPrompt.contains("PANEL-MARKER-9"))
            let agents = String(decoding: try await owner.get("/admin/t/demo/agents?done=persona_saved").body, as: UTF8.self)
            #expect(agents.contains("Sunny &lt;script&gt;alert(1)&lt;/script&gt;") && !agents.contains("<script>alert(1)"), "escaped")
            #expect(agents.contains("The persona is saved."))
            let tenants = String(decoding: try await stranger.get("/admin").body, as: UTF8.self)
            #expect(!tenants.contains("<b>Co</b>"))

            // Agent settings: a bad value is a message on the page and changes nothing.
            let bad = try await owner.post("/admin/t/demo/agents/sales", [("enabled", "on"), ("top_k", "99")])
            #expect(bad.status == 400 && String(decoding: bad.body, as: UTF8.self).contains("top_k is 1 to 20."))
            #expect(try await resolver.resolve(tenant: demo, code: "sales").retrievalTopK == 5)
            #expect(try await owner.post("/admin/t/demo/agents/sales", [("enabled", "on"), ("top_k", "3"), ("retrieval_mode", "lexical")]).status == 303)
            let agent = try await resolver.resolve(tenant: demo, code: "sales")
            #expect(agent.retrievalTopK == 3 && agent.retrievalMode == .lexical)

            // Budget: owners only; a bad amount is refused; the overview then says so.
            #expect(try await viewer.post("/admin/t/demo/usage/budget", [("monthly_cost", "10")]).status == 403)
            #expect(try await owner.post("/admin/t/demo/usage/budget", [("monthly_cost", "-3")]).status == 400)
            #expect(try await owner.post("/admin/t/demo/usage/budget", [("monthly_cost", "25.5"), ("exhausted_message", "Back on the 1st.")]).status == 303)
            let budget = CostBudget(tenantSettings: try await provisioner.tenant(slug: "demo").settings)
            #expect(budget.monthlyLimit == 25.5 && budget.exhaustedMessage == "Back on the 1st.")
            let usage = String(decoding: try await owner.get("/admin/t/demo/usage").body, as: UTF8.self)
            #expect(usage.contains("<svg") && usage.contains("Budget $25.50"))
            #expect(try await owner.get("/admin/t/demo/usage?from=2020-01-01&to=2026-01-01").status == 400)
        }
    }

    @Test func knowledgeFormsAndThePlayground() async throws {
        try await ParleyTestServer.with(.sqlite, adjust: { $0.app.seedDemo = false; $0.app.defaultTenant = "alpha" }) { server in
            let provisioner = server.services.provisioner(server.stores)
            let alpha = try await provisioner.createTenant(name: "Alpha", slug: "alpha").tenant
            let people = AdminTestPeople(server: server)
            let operatorSession = try await people.panelSession("op@alpha.example", alpha.id, .operator)
            let viewer = try await people.panelSession("v@alpha.example", alpha.id, .viewer)
            let faq = "Q: Do you deliver to Iceland?\nA: Yes, by sea freight within three weeks.\n\nCan I return a used bike?\nOnly within 14 days."
            #expect(try await viewer.post("/admin/t/alpha/knowledge/add", [("kind", "faq"), ("faq", faq)]).status == 403)
            #expect(try await operatorSession.post("/admin/t/alpha/knowledge/add", [("kind", "faq"), ("faq", "a question without answer")]).status == 400)
            let added = try await operatorSession.post("/admin/t/alpha/knowledge/add", [("kind", "faq"), ("title", "Delivery"), ("faq", faq)])
            #expect(added.status == 303)
            #expect(try await eventually { try await server.services.ingestion.store.sources(tenant: alpha.id).first?.status == .indexed })
            try await server.services.indexFollower(on: server.app.db(.parley)).catchUp()
            let list = String(decoding: try await viewer.get("/admin/t/alpha/knowledge").body, as: UTF8.self)
            #expect(list.contains("Delivery") && list.contains("indexed"))
            #expect(!list.contains("/knowledge/add"), "a viewer gets no add forms")

            let ranked = try await viewer.post("/admin/t/alpha/playground", [("question", "shipping to iceland"), ("agent", "sales")])
            let html = String(decoding: ranked.body, as: UTF8.self)
            #expect(ranked.status == 200 && html.contains("1. Delivery") && html.contains("sea freight"), html.count > 0 ? "" : "empty")
            #expect(try await viewer.post("/admin/t/alpha/playground", [("question", " ")]).status == 400)

            // A multipart upload whose part header name is not ASCII: refused, the server still answers.
            var body = Data("--b\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(operatorSession.csrf)\r\n--b\r\n".utf8)
            body += Data([0xC3, 0x9C]) + Data(": x\r\n\r\nhello\r\n--b--\r\n".utf8)
            let upload = try await server.send(.POST, "/admin/t/alpha/knowledge/upload", headers: [("Cookie", operatorSession.cookie)], body: body,
                                               contentType: "multipart/form-data; boundary=b")
            #expect(upload.status == 400)
            let file = Data("--b\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(operatorSession.csrf)\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"hours.md\"\r\nContent-Type: text/markdown\r\n\r\n# Hours\nOpen from nine to five.\r\n--b--\r\n".utf8)
            let uploaded = try await server.send(.POST, "/admin/t/alpha/knowledge/upload", headers: [("Cookie", operatorSession.cookie)], body: file,
                                                 contentType: "multipart/form-data; boundary=b")
            #expect(uploaded.status == 303, "\(String(decoding: uploaded.body, as: UTF8.self))")

            // Deleting needs the token and the operator role.
            let source = try #require(try await server.services.ingestion.store.sources(tenant: alpha.id).first { $0.title == "Delivery" })
            #expect(try await viewer.post("/admin/t/alpha/knowledge/\(source.id)/delete", []).status == 403)
            #expect(try await operatorSession.post("/admin/t/alpha/knowledge/\(source.id)/delete", [], csrf: false).status == 403)
            #expect(try await operatorSession.post("/admin/t/alpha/knowledge/\(source.id)/delete", []).status == 303)
            #expect(try await server.services.ingestion.store.source(source.id, tenant: alpha.id) == nil)
        }
    }

    @Test func peopleAndPlatformPages() async throws {
        let secret = "sk-or-v1-panel-config-secret-0123456789"
        try await ParleyTestServer.with(.sqlite, secrets: ParleySecrets(llmAPIKey: secret)) { server in
            let provisioner = server.services.provisioner(server.stores)
            let demo = try await provisioner.tenant(slug: "demo")
            let people = AdminTestPeople(server: server)
            let owner = try await people.panelSession("owner@demo.example", demo.id, .owner)
            let viewer = try await people.panelSession("viewer@demo.example", demo.id, .viewer)
            let root = try await people.panelSession("root@parley.example", nil, platform: true)

            // People: owners only; a made-up password is shown once, on the answer, never in a URL.
            #expect(try await viewer.get("/admin/t/demo/people").status == 403)
            let added = try await owner.post("/admin/t/demo/people", [("email", "new@demo.example"), ("role", "operator"), ("generate", "on")])
            let page = String(decoding: added.body, as: UTF8.self)
            #expect(added.status == 201 && page.contains("shown only once"))
            let accounts = AdminTestPeople(server: server).accounts
            let newcomer = try #require(try await accounts.user(email: "new@demo.example"))
            #expect(try await accounts.memberships(of: newcomer.id).first?.role == .operator)
            #expect(try await owner.post("/admin/t/demo/people", [("email", "x@demo.example"), ("role", "king")]).status == 400)
            #expect(try await owner.post("/admin/t/demo/people", [("email", "y@demo.example"), ("role", "viewer")]).status == 400, "a new account needs a password")
            let me = try #require(try await accounts.user(email: "owner@demo.example"))
            #expect(try await owner.post("/admin/t/demo/people/\(me.id)/remove", []).status == 409)
            #expect(try await owner.post("/admin/t/demo/people/\(newcomer.id)/remove", []).status == 303)
            #expect(try await accounts.memberships(of: newcomer.id).isEmpty)

            // Platform pages: platform administrators only.
            for path in ["/admin/platform", "/admin/platform/config", "/admin/platform/logs"] {
                #expect(try await owner.get(path).status == 403, "\(path)")
                #expect(try await root.get(path).status == 200, "\(path)")
            }
            #expect(try await owner.post("/admin/platform/tenants", [("name", "Evil"), ("slug", "evil")]).status == 403)
            let created = try await root.post("/admin/platform/tenants", [("name", "Beta <i>Boats</i>"), ("slug", "beta")])
            let createdPage = String(decoding: created.body, as: UTF8.self)
            #expect(created.status == 201 && createdPage.contains("sk_") && createdPage.contains("Beta &lt;i&gt;Boats&lt;/i&gt;"))
            #expect(try await root.post("/admin/platform/tenants", [("name", "Again"), ("slug", "beta")]).status == 409)
            #expect(try await root.post("/admin/platform/tenants/beta/active", [("active", "false")]).status == 303)
            #expect(try await server.stores.tenants.tenant(slug: "beta")?.isActive == false)
            let rotated = String(decoding: try await root.post("/admin/platform/tenants/demo/key", []).body, as: UTF8.self)
            #expect(rotated.contains("shown only once"))

            let config = String(decoding: try await root.get("/admin/platform/config").body, as: UTF8.self)
            #expect(config.contains("PARLEY_LLM_API_KEY") && !config.contains(secret))
            #expect(try await root.get("/admin/platform/logs?level=loud").status == 400)
        }
    }

    @Test func widgetSettingsAreSavedAllOrNothing() async throws {
        try await ParleyTestServer.with(.sqlite) { server in
            let provisioner = server.services.provisioner(server.stores)
            let demo = try await provisioner.tenant(slug: "demo")
            let people = AdminTestPeople(server: server)
            let owner = try await people.panelSession("owner@demo.example", demo.id, .owner)
            let viewer = try await people.panelSession("viewer@demo.example", demo.id, .viewer)
            let page = String(decoding: try await viewer.get("/admin/t/demo/widget").body, as: UTF8.self)
            #expect(page.contains("id=\"widget-preview\"") && page.contains("<fieldset disabled"), "viewers see the settings, not a form they can send")
            #expect(try await viewer.post("/admin/t/demo/widget", [("title", "Hacked")]).status == 403)

            let good: [(String, String)] = [("title", "Ask Aurora"), ("greeting", "Hello <b>there</b>"), ("color", "#aa3300"), ("position", "left"),
                                            ("language", "de"), ("allowed_origins", "https://shop.example\nhttps://www.shop.example"),
                                            ("consent_required", "on"), ("terms_version", "2026-12")]
            #expect(try await owner.post("/admin/t/demo/widget", good).status == 303)
            let saved = try await provisioner.tenant(slug: "demo").settings
            let appearance = WidgetAppearance(settings: saved)
            #expect(appearance.title == "Ask Aurora" && appearance.color == "#aa3300" && appearance.position == .left && appearance.language == "de")
            #expect(saved["allowed_origins"]?.arrayValue?.compactMap(\.stringValue) == ["https://shop.example", "https://www.shop.example"])
            #expect(saved["consent_required"]?.boolValue == true && saved["allow_basic_html"]?.boolValue == false)
            let config = try await server.send(.GET, "/a/sales/config")
            #expect(config.json["appearance"]?["title"]?.stringValue == "Ask Aurora", "the widget reads the saved settings")

            // One bad value: nothing changes, and the page names it.
            let bad = try await owner.post("/admin/t/demo/widget", good.map { $0.0 == "color" ? ("color", "red; background:url(x)") : ($0.0 == "title" ? ("title", "Changed") : $0) })
            #expect(bad.status == 400 && String(decoding: bad.body, as: UTF8.self).contains("widget.color"))
            #expect(WidgetAppearance(settings: try await provisioner.tenant(slug: "demo").settings).title == "Ask Aurora")
            // An empty field goes back to the default.
            #expect(try await owner.post("/admin/t/demo/widget", [("title", ""), ("color", "#aa3300")]).status == 303)
            #expect(WidgetAppearance(settings: try await provisioner.tenant(slug: "demo").settings).title == nil)
        }
    }
}
