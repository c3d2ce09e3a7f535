import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyServer
import ParleyTestSupport
import SQLKit
import Fluent
import Testing

/// `POST /api/consent` and `GET /api/consent/check`: answers recorded per tenant and visitor
/// (hashed), the latest answer for the current terms counts, bad input writes nothing.
@Suite("Consent API")
struct ConsentAPITests {
    static let visitor = "v_0123456789abcdefXYZ"

    func withServer(_ body: (ParleyTestServer, Tenant, Tenant) async throws -> Void) async throws {
        for backend in TestBackend.available {
            try await ParleyTestServer.with(backend, adjust: { config in
                config.app.mode = .multiTenant
                config.app.seedDemo = false
                config.consent.termsVersion = "2026-11"
            }) { server in
                let provisioner = server.services.provisioner(server.stores)
                let a = try await provisioner.createTenant(name: "Asks", slug: "asks").tenant
                let b = try await provisioner.createTenant(name: "Other", slug: "other").tenant
                try await server.stores.tenants.setSettings(a.id, ["consent_required": true])
                try await body(server, a, b)
            }
        }
    }

    func check(_ server: ParleyTestServer, _ tenant: Tenant, visitor: String = visitor) async throws -> ParleyTestServer.Reply {
        try await server.send(.GET, "/api/consent/check", headers: [("X-Parley-Tenant", tenant.widgetKey), ("X-Parley-Visitor", visitor)])
    }

    func answer(_ server: ParleyTestServer, _ tenant: Tenant, _ json: String, visitor: String = visitor) async throws -> ParleyTestServer.Reply {
        try await server.send(.POST, "/api/consent", headers: [("X-Parley-Tenant", tenant.widgetKey), ("X-Parley-Visitor", visitor),
                                                              ("User-Agent", "ConsentTest/1.0")], body: Data(json.utf8))
    }

    @Test func acceptingDecliningAndNewTermsPerTenant() async throws {
        try await withServer { server, a, b in
            let before = try await check(server, a)
            #expect(before.json["required"]?.boolValue == true)
            #expect(before.json["consented"]?.boolValue == false)
            #expect(before.json["terms_version"]?.stringValue == "2026-11")
            // The other tenant does not ask.
            #expect(try await check(server, b).json["required"]?.boolValue == false)
            #expect(try await check(server, b).json["consented"]?.boolValue == true)

            let accepted = try await answer(server, a, #"{"accepted": true, "terms_version": "2026-11"}"#)
            #expect(accepted.status == 201)
            #expect(accepted.json["consented"]?.boolValue == true)
            #expect(try await check(server, a).json["consented"]?.boolValue == true)
            // Another visitor has not consented.
            #expect(try await check(server, a, visitor: "v_someone_else_entirely").json["consented"]?.boolValue == false)

            let declined = try await answer(server, a, #"{"accepted": false, "terms_version": "2026-11"}"#)
            #expect(declined.json["consented"]?.boolValue == false)
            #expect(try await check(server, a).json["consented"]?.boolValue == false)
            #expect(try await server.rowCount("consents") == 2, "every answer is kept")

            _ = try await answer(server, a, #"{"accepted": true, "terms_version": "2026-11"}"#)
            try await server.stores.tenants.setSettings(a.id, ["consent_required": true, "terms_version": "2027-01"])
            let newTerms = try await check(server, a)
            #expect(newTerms.json["consented"]?.boolValue == false, "new terms ask again")
            #expect(newTerms.json["terms_version"]?.stringValue == "2027-01")
            let stale = try await answer(server, a, #"{"accepted": true, "terms_version": "2026-11"}"#)
            #expect(stale.status == 409)
            #expect(stale.errorCode == "stale_terms")

            // The raw visitor id is never stored; IP and user agent are, as evidence.
            let sql = try #require(server.app.db(.parley) as? any SQLDatabase)
            let rows = try await sql.raw("SELECT session_id, ip_address, user_agent FROM consents").all()
            for row in rows {
                #expect(try row.decode(column: "session_id", as: String.self) != Self.visitor)
                #expect(try row.decode(column: "user_agent", as: String?.self) == "ConsentTest/1.0")
                #expect(try row.decode(column: "ip_address", as: String?.self) == "127.0.0.1")
            }
        }
    }

    @Test func chatNeedsConsentWhereTheTenantAsksForIt() async throws {
        try await withServer { server, a, b in
            func chat(_ tenant: Tenant, visitor: String?) async throws -> ParleyTestServer.Reply {
                var headers = [("X-Parley-Tenant", tenant.widgetKey)]
                if let visitor { headers.append(("X-Parley-Visitor", visitor)) }
                return try await server.postChat(["message": "hello"], headers: headers)
            }
            #expect(try await chat(a, visitor: nil).errorCode == "consent_required")
            #expect(try await chat(a, visitor: Self.visitor).status == 403)
            #expect(try await server.rowCount("messages") == 0)
            _ = try await answer(server, a, #"{"accepted": false, "terms_version": "2026-11"}"#)
            #expect(try await chat(a, visitor: Self.visitor).errorCode == "consent_required", "declining keeps the chat closed")
            _ = try await answer(server, a, #"{"accepted": true, "terms_version": "2026-11"}"#)
            #expect(try await chat(a, visitor: Self.visitor).status == 201)
            #expect(try await chat(b, visitor: nil).status == 201, "a tenant that does not ask needs nothing")
        }
    }

    @Test func badRequestsAreClearErrorsAndWriteNothing() async throws {
        try await withServer { server, a, _ in
            let tenant = ("X-Parley-Tenant", a.widgetKey)
            let cases: [(ParleyTestServer.Reply, Int, String)] = try await [
                (server.send(.GET, "/api/consent/check", headers: [tenant]), 400, "invalid_visitor"),
                (server.send(.GET, "/api/consent/check", headers: [tenant, ("X-Parley-Visitor", "short")]), 400, "invalid_visitor"),
                (server.send(.GET, "/api/consent/check", headers: [tenant, ("X-Parley-Visitor", String(repeating: "v", count: 200))]), 400, "invalid_visitor"),
                (server.send(.GET, "/api/consent/check", headers: [tenant, ("X-Parley-Visitor", "<script>alert(1)</script>")]), 400, "invalid_visitor"),
                (server.send(.GET, "/api/consent/check", headers: [("X-Parley-Visitor", Self.visitor)]), 401, "missing_tenant"),
                (server.send(.GET, "/api/consent/check", headers: [("X-Parley-Tenant", "pk_nope"), ("X-Parley-Visitor", Self.visitor)]), 404, "unknown_tenant"),
                (answer(server, a, "{\"accepted\": "), 400, "invalid_json"),
                (answer(server, a, #"{"accepted": "yes", "terms_version": "2026-11"}"#), 400, "invalid_json"),
                (answer(server, a, #"{"accepted": true}"#), 400, "invalid_json"),
                (answer(server, a, ""), 400, "empty_body"),
                (answer(server, a, #"{"accepted": true, "terms_version": "2026-11"}"#, visitor: "bad visitor id!!"), 400, "invalid_visitor"),
                (answer(server, a, #"{"accepted": true, "terms_version": "\#(String(repeating: "x", count: 3000))"}"#), 413, "payload_too_large"),
                (server.send(.POST, "/api/consent", headers: [tenant, ("X-Parley-Visitor", Self.visitor)], body: Data("accepted=1".utf8), contentType: "text/plain"), 415, "unsupported_media_type"),
            ]
            for (reply, status, code) in cases {
                #expect(reply.status == status, "\(code): got \(reply.status) \(String(decoding: reply.body, as: UTF8.self))")
                #expect(reply.errorCode == code)
            }
            #expect(try await server.rowCount("consents") == 0)
        }
    }
}
