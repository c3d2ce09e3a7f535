import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyServer
import ParleyTestSupport
import Testing

/// Per-tenant allowed origins for the widget's calls: allowed pages get CORS headers, other
/// origins a 403 before anything is written; servers and same-origin pages are unaffected.
@Suite("Widget CORS")
struct WidgetCORSTests {
    static let shop = "https://shop.example"

    func withTenants(everyOrigin: Bool = false, _ body: (ParleyTestServer, Tenant, Tenant) async throws -> Void) async throws {
        try await ParleyTestServer.with(.sqlite, adjust: { config in
            config.app.mode = .multiTenant
            config.app.seedDemo = false
            if everyOrigin { config.cors.allowedOrigins = ["*"] }
        }) { server in
            let provisioner = server.services.provisioner(server.stores)
            let a = try await provisioner.createTenant(name: "Shop", slug: "shop").tenant
            let b = try await provisioner.createTenant(name: "Other", slug: "other").tenant
            try await server.stores.tenants.setSettings(a.id, ["allowed_origins": [.string(Self.shop + "/")]])
            try await body(server, a, b)
        }
    }

    func chat(_ server: ParleyTestServer, _ tenant: Tenant, origin: String?, message: String = "hello") async throws -> ParleyTestServer.Reply {
        var headers = [("X-Parley-Tenant", tenant.widgetKey)]
        if let origin { headers.append(("Origin", origin)) }
        return try await server.postChat(["message": message], headers: headers)
    }

    @Test func allowedOriginsOnlyPerTenant() async throws {
        try await withTenants { server, a, b in
            let allowed = try await chat(server, a, origin: Self.shop)
            #expect(allowed.status == 201)
            #expect(allowed.headers.first(name: "Access-Control-Allow-Origin") == Self.shop)
            #expect(allowed.headers.first(name: "Vary")?.contains("Origin") == true)

            let refused = try await chat(server, a, origin: "https://evil.example")
            #expect(refused.status == 403)
            #expect(refused.errorCode == "origin_not_allowed")
            #expect(refused.headers.first(name: "Access-Control-Allow-Origin") == nil)
            let otherTenant = try await chat(server, b, origin: Self.shop)
            #expect(otherTenant.status == 403, "the shop may embed tenant A's chat, not B's")
            for hostile in ["null", "https://shop.example/path", "javascript:alert(1)", "https://shop.example@evil.example"] {
                #expect(try await chat(server, a, origin: hostile).status == 403, "\(hostile)")
            }
            #expect(try await server.rowCount("messages") == 1, "refused requests wrote nothing")

            // Servers (no Origin) and the Parley server's own pages are not affected.
            #expect(try await chat(server, b, origin: nil).status == 201)
            #expect(try await chat(server, b, origin: server.baseURL).status == 201)

            // Errors reach an allowed page with CORS headers, so it can show them.
            let error = try await chat(server, a, origin: Self.shop, message: "   ")
            #expect(error.status == 400)
            #expect(error.headers.first(name: "Access-Control-Allow-Origin") == Self.shop)

            let consent = try await server.send(.GET, "/api/consent/check", headers: [
                ("X-Parley-Tenant", a.widgetKey), ("X-Parley-Visitor", "v_0123456789abcdefXYZ"), ("Origin", Self.shop)])
            #expect(consent.status == 200)
            #expect(consent.headers.first(name: "Access-Control-Allow-Origin") == Self.shop)
        }
    }

    @Test func preflightsAreAnsweredAndAWildcardAllowsEveryOrigin() async throws {
        try await withTenants(everyOrigin: true) { server, _, b in
            let preflight = try await server.send(.OPTIONS, "/a/sales/chat", headers: [
                ("Origin", "https://anywhere.example"), ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type, x-parley-tenant")], body: nil, contentType: nil)
            #expect(preflight.status == 204)
            #expect(preflight.headers.first(name: "Access-Control-Allow-Origin") == "https://anywhere.example")
            #expect(preflight.headers.first(name: "Access-Control-Allow-Headers")?.contains("X-Parley-Tenant") == true)
            #expect(preflight.headers.first(name: "Access-Control-Allow-Methods")?.contains("POST") == true)
            #expect(try await chat(server, b, origin: "https://anywhere.example").status == 201)
        }
    }
}
