import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyServer
import ParleyTestSupport
import Testing

/// What the server gives the widget: the script (ETag, cache headers, gzip), the tenant's
/// public settings, the full-page chat and the demo page. The browser tests (Tests/Browser)
/// drive the same endpoints from headless Chromium.
@Suite("Widget endpoints")
struct WidgetEndpointsTests {
    @Test func scriptCarriesItsStylesheetAnETagAndCacheHeaders() async throws {
        try await ParleyTestServer.with(.sqlite) { server in
            let script = try await server.send(.GET, "/widget.js")
            #expect(script.status == 200)
            #expect(script.headers.first(name: "Content-Type")?.hasPrefix("text/javascript") == true)
            #expect(script.headers.first(name: "Cache-Control")?.contains("max-age=") == true)
            #expect(script.headers.first(name: "X-Content-Type-Options") == "nosniff")
            let text = String(decoding: script.body, as: UTF8.self)
            #expect(text.contains("--pw-accent"), "the stylesheet is inlined")
            #expect(!text.contains("__PARLEY_STYLESHEET__"))
            let etag = try #require(script.headers.first(name: "ETag"))

            let unchanged = try await server.send(.GET, "/widget.js", headers: [("If-None-Match", etag)])
            #expect(unchanged.status == 304)
            #expect(unchanged.body.isEmpty)
            let listed = try await server.send(.GET, "/widget.js", headers: [("If-None-Match", "\"other\", " + etag)])
            #expect(listed.status == 304)
            let stale = try await server.send(.GET, "/widget.js", headers: [("If-None-Match", "W/\"0000\"")])
            #expect(stale.status == 200)

            let gzipped = try await server.send(.GET, "/widget.js", headers: [("Accept-Encoding", "gzip")])
            #expect(gzipped.headers.first(name: "Content-Encoding") == "gzip")
            #expect(gzipped.body.count <= 25 * 1024, "widget.js with its CSS is \(gzipped.body.count) bytes gzipped")
            #expect(gzipped.body.count < script.body.count / 2)

            // Everything that does not ask for compression goes out as it is, and the marker that
            // says so stays inside the server.
            let config = try await server.send(.GET, "/a/sales/config", headers: [("Accept-Encoding", "gzip, deflate")])
            #expect(config.status == 200)
            #expect(config.headers.first(name: "Content-Encoding") == nil)
            #expect(config.json["agent"]?["code"] == "sales")
            let missing = try await server.send(.GET, "/no/such/page", headers: [("Accept-Encoding", "gzip")])
            #expect(missing.status == 404)
            #expect(missing.headers.first(name: "Content-Encoding") == nil)
            for reply in [script, gzipped, config, missing] {
                #expect(reply.headers.first(name: "X-Vapor-Response-Compression") == nil)
            }
        }
    }

    @Test func configShowsTheTenantsPublicSettingsOnly() async throws {
        try await ParleyTestServer.with(.sqlite, adjust: { config in
            config.app.mode = .multiTenant
            config.app.seedDemo = false
            config.ui.allowBasicHTML = false
        }) { server in
            let provisioner = server.services.provisioner(server.stores)
            let a = try await provisioner.createTenant(name: "Shop A", slug: "shop-a").tenant
            let b = try await provisioner.createTenant(name: "Shop B", slug: "shop-b").tenant
            _ = try await provisioner.editSettings(slug: "shop-a", assignments: [
                "widget.color=#0b6e4f", "widget.title=Ask A", "widget.position=left", "consent_required=true",
                "terms_version=7", "allow_basic_html=true", "allowed_origins=https://a.example",
            ], removals: [])

            let forA = try await server.send(.GET, "/a/sales/config", headers: [("X-Parley-Tenant", a.widgetKey)])
            #expect(forA.status == 200)
            #expect(forA.json["appearance"]?["color"] == "#0b6e4f")
            #expect(forA.json["appearance"]?["title"] == "Ask A")
            #expect(forA.json["appearance"]?["position"] == "left")
            #expect(forA.json["consent"] == ["required": true, "terms_version": "7"])
            #expect(forA.json["allow_basic_html"] == true)
            #expect(forA.json["site"] == "Shop A")
            #expect(forA.json["agent"]?["code"] == "sales")
            #expect(forA.json["input"]?["enter_inserts_newline"] == true)
            let text = String(decoding: forA.body, as: UTF8.self)
            #expect(!text.contains("allowed_origins") && !text.contains("sk_"), "origins and keys stay private")

            // Tenant B sees its own (default) settings, never A's.
            let forB = try await server.send(.GET, "/a/sales/config", headers: [("X-Parley-Tenant", b.widgetKey)])
            #expect(forB.status == 200)
            #expect(forB.json["appearance"] == .object([:]))
            #expect(forB.json["site"] == "Shop B")
            #expect(forB.json["allow_basic_html"] == false)
            #expect(forB.json["consent"]?["required"] == false)
        }
    }

    @Test func malformedAndHostileConfigRequestsAreClearErrors() async throws {
        try await ParleyTestServer.with(.sqlite, adjust: { $0.app.mode = .multiTenant }) { server in
            let demo = try #require(try await server.stores.tenants.tenant(slug: "demo"))
            let cases: [(String, [(String, String)], Int, String)] = [
                ("/a/sales/config", [], 401, "missing_tenant"),
                ("/a/sales/config", [("X-Parley-Tenant", "pk_unknown")], 404, "unknown_tenant"),
                ("/a/sales/config", [("X-Parley-Tenant", String(repeating: "k", count: 10_000))], 404, "unknown_tenant"),
                ("/a/nobody/config", [("X-Parley-Tenant", demo.widgetKey)], 404, "unknown_agent"),
                ("/a/%3Cscript%3E/config", [("X-Parley-Tenant", demo.widgetKey)], 404, "unknown_agent"),
                ("/a/" + String(repeating: "a", count: 300) + "/config", [("X-Parley-Tenant", demo.widgetKey)], 404, "unknown_agent"),
                ("/a/sales/config", [("X-Parley-Tenant", demo.widgetKey), ("Origin", "https://evil.example")], 403, "origin_not_allowed"),
            ]
            for (path, headers, status, code) in cases {
                let reply = try await server.send(.GET, path, headers: headers)
                #expect(reply.status == status, "\(path) \(headers.map(\.0))")
                #expect(reply.errorCode == code, "\(path)")
            }
        }
    }

    @Test func pagesEmbedTheWidgetAndEscapeTenantText() async throws {
        try await ParleyTestServer.with(.sqlite) { server in
            _ = try await server.services.provisioner(server.stores).editSettings(
                slug: "demo", assignments: ["widget.title=<script>alert(1)</script> & \"Co\""], removals: [])
            let demo = try #require(try await server.stores.tenants.tenant(slug: "demo"))

            let page = try await server.send(.GET, "/a/sales/")
            #expect(page.status == 200)
            #expect(page.headers.first(name: "Content-Type")?.hasPrefix("text/html") == true)
            let policy = try #require(page.headers.first(name: "Content-Security-Policy"))
            #expect(policy.contains("script-src 'self'") && policy.contains("connect-src 'self'"))
            let html = String(decoding: page.body, as: UTF8.self)
            #expect(html.contains("data-tenant=\"\(demo.widgetKey)\"") && html.contains("data-mode=\"page\""))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"))
            #expect(!html.contains("<script>alert(1)"))
            #expect(try await server.send(.GET, "/a/sales").status == 200)
            #expect(try await server.send(.GET, "/a/nobody/").errorCode == "unknown_agent")

            let demoPage = try await server.send(.GET, "/demo")
            #expect(demoPage.status == 200)
            #expect(String(decoding: demoPage.body, as: UTF8.self).contains("<script src=\"/widget.js\" data-tenant=\"\(demo.widgetKey)\" data-agent=\"sales\" async></script>"))
            // No origin may frame the pages until the tenant allows one.
            for framed in [page, demoPage] {
                #expect(framed.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
                #expect(framed.headers.first(name: "X-Frame-Options") == "DENY")
            }
            _ = try await server.services.provisioner(server.stores).editSettings(
                slug: "demo", assignments: ["allowed_origins=https://shop.example,https://www.shop.example"], removals: [])
            for path in ["/a/sales/", "/demo"] {
                let allowed = try await server.send(.GET, path)
                #expect(allowed.headers.first(name: "Content-Security-Policy")?
                    .contains("frame-ancestors https://shop.example https://www.shop.example") == true, "\(path)")
                #expect(allowed.headers.first(name: "X-Frame-Options") == nil, "\(path)")
            }
            // `/` leads to the demo page.
            let root = try await server.send(.GET, "/")
            #expect((300 ..< 400).contains(root.status) && root.headers.first(name: "Location") == "/demo")
            #expect(String(decoding: demoPage.body, as: UTF8.self).contains("<h1>Aurora e-bikes</h1>"))
        }
    }

    @Test func multiTenantPagesNameTheirTenantByPublicKey() async throws {
        try await ParleyTestServer.with(.sqlite, adjust: { $0.app.mode = .multiTenant }) { server in
            let shop = try await server.services.provisioner(server.stores).createTenant(name: "Shop", slug: "shop").tenant
            let page = try await server.send(.GET, "/a/sales/?site=\(shop.widgetKey)")
            #expect(page.status == 200)
            #expect(String(decoding: page.body, as: UTF8.self).contains(shop.widgetKey))
            #expect(try await server.send(.GET, "/a/sales/?site=pk_nobody").errorCode == "unknown_tenant")
            #expect(try await server.send(.GET, "/demo?site=" + String(repeating: "x", count: 500)).errorCode == "unknown_tenant")
        }
    }
}
