import Fluent
import Foundation
import NIOHTTP1
import ParleyAccounts
import ParleyChat
import ParleyCore
import ParleyServer
import ParleyTestSupport
import Testing

/// `/api/v1/admin/session` and `/api/v1/admin/me`: signing in and out with a bearer token or the
/// panel's cookie (CSRF-checked), password changes that end old sessions, lockouts, and every
/// bad request a clear 4xx that never echoes a password.
@Suite("Admin sessions API")
struct AdminSessionAPITests {
    static let password = "owner password 123"

    func withOwner(_ backend: TestBackend, _ body: (ParleyTestServer) async throws -> Void) async throws {
        try await ParleyTestServer.with(backend) { server in
            let demo = try await server.services.provisioner(server.stores).tenant(slug: "demo")
            _ = try await server.services.accounts(on: server.app.db(.parley))
                .create(email: "owner@demo.example", displayName: "Olive", password: Self.password, membership: (demo.id, .owner))
            try await body(server)
        }
    }

    func signIn(_ server: ParleyTestServer, email: String = "owner@demo.example", password: String = password) async throws -> ParleyTestServer.Reply {
        let body = try JSONSerialization.data(withJSONObject: ["email": email, "password": password])
        return try await server.send(.POST, "/api/v1/admin/session", body: body)
    }

    static func cookie(_ reply: ParleyTestServer.Reply) -> String? {
        reply.headers["Set-Cookie"].first { $0.hasPrefix("parley_admin=") }
    }

    @Test(arguments: TestBackend.available)
    func signInWithBearerOrCookieAndSignOut(_ backend: TestBackend) async throws {
        try await withOwner(backend) { server in
            let signedIn = try await signIn(server)
            #expect(signedIn.status == 200, "\(String(decoding: signedIn.body, as: UTF8.self))")
            let text = String(decoding: signedIn.body, as: UTF8.self)
            #expect(!text.contains(Self.password) && !text.contains("scrypt"), "no password or hash in the answer")
            #expect(signedIn.json["user"]?["memberships"]?.arrayValue?.first?["role"]?.stringValue == "owner")
            #expect(signedIn.headers.first(name: "Cache-Control") == "no-store")
            let token = try #require(signedIn.json["token"]?.stringValue)
            let csrf = try #require(signedIn.json["csrf_token"]?.stringValue)
            let setCookie = try #require(Self.cookie(signedIn))
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/"))
            #expect(!setCookie.contains("Secure"), "plain HTTP without a trusted proxy: not Secure (admin.secure_cookies: auto)")
            let cookie = "parley_admin=" + token

            #expect(try await server.send(.GET, "/api/v1/admin/me", headers: [("Authorization", "Bearer \(token)")]).json["email"]?.stringValue == "owner@demo.example")
            #expect(try await server.send(.GET, "/api/v1/admin/me", headers: [("Cookie", cookie)]).status == 200)

            // A state change by cookie needs the session's CSRF token.
            let forged = try await server.send(.DELETE, "/api/v1/admin/session", headers: [("Cookie", cookie)])
            #expect(forged.status == 403 && forged.errorCode == "csrf_failed")
            let wrong = try await server.send(.DELETE, "/api/v1/admin/session", headers: [("Cookie", cookie), ("X-CSRF-Token", csrf + "x")])
            #expect(wrong.status == 403)
            let out = try await server.send(.DELETE, "/api/v1/admin/session", headers: [("Cookie", cookie), ("X-CSRF-Token", csrf)])
            #expect(out.status == 204)
            #expect(Self.cookie(out)?.contains("Max-Age=0") == true, "the cookie is cleared")
            let after = try await server.send(.GET, "/api/v1/admin/me", headers: [("Authorization", "Bearer \(token)")])
            #expect(after.status == 401 && after.errorCode == "session_invalid", "a signed-out token is dead before it expires")
        }
    }

    @Test(arguments: TestBackend.available)
    func badSignInsAreClearErrorsThatRevealNothing(_ backend: TestBackend) async throws {
        try await withOwner(backend) { server in
            let wrong = try await signIn(server, password: "not the password")
            let unknown = try await signIn(server, email: "nobody@demo.example")
            #expect(wrong.status == 401 && unknown.status == 401)
            #expect(wrong.json == unknown.json, "the same answer whether or not the address has an account")
            #expect(!String(decoding: wrong.body, as: UTF8.self).contains("not the password"))

            let cases: [(Data?, String?, Int)] = [
                (Data("{".utf8), "application/json", 400),
                (Data(#"{"email": "owner@demo.example"}"#.utf8), "application/json", 400),
                (Data(#"{"email": 1, "password": []}"#.utf8), "application/json", 400),
                (Data("email=a&password=b".utf8), "application/x-www-form-urlencoded", 415),
                (nil, "application/json", 400),
                (Data(("{\"email\": \"" + String(repeating: "a", count: 5000) + "\", \"password\": \"x\"}").utf8), "application/json", 413),
            ]
            for (body, type, status) in cases {
                let reply = try await server.send(.POST, "/api/v1/admin/session", body: body ?? Data(), contentType: type)
                #expect(reply.status == status, "\(status) expected, got \(reply.status) \(String(decoding: reply.body, as: UTF8.self))")
                #expect(reply.errorCode != nil)
            }
            for headers in [[(String, String)](), [("Authorization", "Bearer not-a-token")], [("Authorization", "Bearer sk_live_tenantkey")],
                            [("Cookie", "parley_admin=eyJhbGciOiJub25lIn0.e30.")]] {
                let reply = try await server.send(.GET, "/api/v1/admin/me", headers: headers)
                #expect(reply.status == 401 && reply.errorCode == "session_invalid", "\(headers)")
            }
        }
    }

    @Test func fiveWrongPasswordsLockTheAccount() async throws {
        try await withOwner(.sqlite) { server in
            for attempt in 0 ..< 5 { #expect(try await signIn(server, password: "wrong guess \(attempt)").status == 401) }
            let locked = try await signIn(server)
            #expect(locked.status == 429 && locked.errorCode == "too_many_attempts")
            #expect(Int(locked.headers.first(name: "Retry-After") ?? "") ?? 0 > 800)
        }
    }

    @Test(arguments: TestBackend.available)
    func changingThePasswordEndsEveryOtherSession(_ backend: TestBackend) async throws {
        try await withOwner(backend) { server in
            let laptop = try #require(try await signIn(server).json["token"]?.stringValue)
            let phone = try #require(try await signIn(server).json["token"]?.stringValue)
            func change(_ token: String, _ current: String, _ new: String) async throws -> ParleyTestServer.Reply {
                let body = try JSONSerialization.data(withJSONObject: ["current": current, "new": new])
                return try await server.send(.PUT, "/api/v1/admin/me/password", headers: [("Authorization", "Bearer \(token)")], body: body)
            }
            #expect(try await change(laptop, "not it", "a brand new password").status == 403)
            #expect(try await change(laptop, Self.password, "short").errorCode == "weak_password")
            let changed = try await change(laptop, Self.password, "a brand new password")
            #expect(changed.status == 200)
            let fresh = try #require(changed.json["token"]?.stringValue)
            for old in [laptop, phone] {
                #expect(try await server.send(.GET, "/api/v1/admin/me", headers: [("Authorization", "Bearer \(old)")]).status == 401)
            }
            #expect(try await server.send(.GET, "/api/v1/admin/me", headers: [("Authorization", "Bearer \(fresh)")]).status == 200)
            #expect(try await signIn(server, password: "a brand new password").status == 200)
        }
    }
}
