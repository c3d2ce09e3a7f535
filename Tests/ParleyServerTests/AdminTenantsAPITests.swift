import Fluent
import Foundation
import NIOHTTP1
import ParleyAccounts
import ParleyChat
import ParleyCore
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing

/// The admin API's tenants and people: each call checks who is signed in (401), their role
/// (403 naming the role needed) and that the tenant is theirs (404, exactly as for a tenant that
/// does not exist); bad input is a 4xx that changes nothing.
@Suite("Admin tenants API")
struct AdminTenantsAPITests {
    struct People {
        var root: String
        var alphaOwner: String
        var alphaViewer: String
        var betaOwner: String
        var alphaOwnerID: AdminUserID
        var alphaViewerID: AdminUserID
    }

    func withPeople(_ backend: TestBackend, _ body: (ParleyTestServer, People) async throws -> Void) async throws {
        try await ParleyTestServer.with(backend, adjust: { $0.app.mode = .multiTenant }) { server in
            let provisioner = server.services.provisioner(server.stores)
            let alpha = try await provisioner.createTenant(name: "Alpha", slug: "alpha").tenant
            let beta = try await provisioner.createTenant(name: "Beta", slug: "beta").tenant
            let people = AdminTestPeople(server: server)
            let root = try await people.token("root@example.com", nil, platform: true)
            let alphaOwner = try await people.token("owner@alpha.example", alpha.id, .owner)
            let alphaViewer = try await people.token("viewer@alpha.example", alpha.id, .viewer)
            let betaOwner = try await people.token("owner@beta.example", beta.id, .owner)
            try await body(server, People(root: root.0, alphaOwner: alphaOwner.0, alphaViewer: alphaViewer.0, betaOwner: betaOwner.0,
                                          alphaOwnerID: alphaOwner.1, alphaViewerID: alphaViewer.1))
        }
    }

    func call(_ server: ParleyTestServer, _ method: HTTPMethod, _ path: String, as token: String?, json: String? = nil) async throws -> ParleyTestServer.Reply {
        try await server.send(method, "/api/v1/admin" + path, headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [],
                              body: json.map { Data($0.utf8) })
    }

    @Test(arguments: TestBackend.available)
    func everyoneSeesOnlyTheirTenants(_ backend: TestBackend) async throws {
        try await withPeople(backend) { server, people in
            let all = try await call(server, .GET, "/tenants", as: people.root).json["tenants"]?.arrayValue?.compactMap { $0["slug"]?.stringValue }
            #expect(all == ["alpha", "beta", "demo"])
            let viewer = try await call(server, .GET, "/tenants", as: people.alphaViewer)
            #expect(viewer.json["tenants"]?.arrayValue?.map { $0["slug"]?.stringValue ?? "" } == ["alpha"])
            #expect(viewer.json["tenants"]?.arrayValue?.first?["role"]?.stringValue == "viewer")
            #expect(!String(decoding: viewer.body, as: UTF8.self).contains("api_key"), "no key hash or key in a listing")
            #expect(try await call(server, .GET, "/tenants", as: nil).status == 401)

            #expect(try await call(server, .GET, "/tenants/alpha", as: people.alphaViewer).json["settings"] != nil)
            let foreign = try await call(server, .GET, "/tenants/beta", as: people.alphaViewer)
            let missing = try await call(server, .GET, "/tenants/gamma", as: people.alphaViewer)
            #expect(foreign.status == 404 && missing.status == 404 && foreign.errorCode == "unknown_tenant" && missing.errorCode == "unknown_tenant",
                    "another tenant's object is 404, never 403")
            #expect(try await call(server, .GET, "/tenants/" + String(repeating: "x", count: 500), as: people.alphaViewer).status == 404)
        }
    }

    @Test(arguments: TestBackend.available)
    func onlyAPlatformAdministratorCreatesAndSwitchesOffTenants(_ backend: TestBackend) async throws {
        try await withPeople(backend) { server, people in
            let created = try await call(server, .POST, "/tenants", as: people.root, json: #"{"name": "Gamma", "slug": "gamma"}"#)
            #expect(created.status == 201)
            let key = try #require(created.json["api_key"]?.stringValue)
            #expect(try await server.send(.GET, "/api/v1/sources", headers: [("Authorization", "Bearer \(key)")]).status == 200)
            let refused = try await call(server, .POST, "/tenants", as: people.alphaOwner, json: #"{"name": "Delta", "slug": "delta"}"#)
            #expect(refused.status == 403 && refused.errorCode == "forbidden")
            for (json, status) in [(#"{"name": "Copy", "slug": "gamma"}"#, 409), (#"{"name": "Bad", "slug": "Not A Slug"}"#, 400),
                                   (#"{"name": ""}"#, 400), ("[", 400), (#"{"name": "\#(String(repeating: "n", count: 20_000))", "slug": "big"}"#, 413)] {
                let reply = try await call(server, .POST, "/tenants", as: people.root, json: json)
                #expect(reply.status == status, "\(json.prefix(40)): \(reply.status)")
            }
            #expect(try await call(server, .PATCH, "/tenants/alpha", as: people.alphaOwner, json: #"{"active": false}"#).status == 403)
            #expect(try await call(server, .PATCH, "/tenants/alpha", as: people.betaOwner, json: #"{"active": false}"#).status == 404)
            let off = try await call(server, .PATCH, "/tenants/alpha", as: people.root, json: #"{"active": false}"#)
            #expect(off.status == 200 && off.json["active"] == .bool(false))
        }
    }

    @Test(arguments: TestBackend.available)
    func ownersChangeSettingsAndKeysViewersOnlyRead(_ backend: TestBackend) async throws {
        try await withPeople(backend) { server, people in
            let settings = ##"{"set": {"widget.color": "#112233", "limits.visitor_per_minute": 30, "allowed_origins": ["https://alpha.example"]}}"##
            let byViewer = try await call(server, .PATCH, "/tenants/alpha/settings", as: people.alphaViewer, json: settings)
            #expect(byViewer.status == 403 && byViewer.json["error"]?["message"]?.stringValue?.contains("owner") == true)
            #expect(try await call(server, .PATCH, "/tenants/alpha/settings", as: people.betaOwner, json: settings).status == 404)
            let changed = try await call(server, .PATCH, "/tenants/alpha/settings", as: people.alphaOwner, json: settings)
            #expect(changed.status == 200, "\(String(decoding: changed.body, as: UTF8.self))")
            #expect(changed.json["settings"]?["widget"]?["color"]?.stringValue == "#112233")
            #expect(changed.json["settings"]?["limits"]?["visitor_per_minute"]?.doubleValue == 30)
            // One bad key refuses the whole change.
            let bad = try await call(server, .PATCH, "/tenants/alpha/settings", as: people.alphaOwner,
                                     json: ##"{"set": {"widget.color": "#445566", "no.such.key": "x"}}"##)
            #expect(bad.status == 400 && bad.errorCode == "invalid_setting")
            #expect(try await call(server, .GET, "/tenants/alpha", as: people.alphaViewer).json["settings"]?["widget"]?["color"]?.stringValue == "#112233")
            #expect(try await call(server, .PATCH, "/tenants/alpha/settings", as: people.alphaOwner, json: #"{"set": {"widget.title": {"a": 1}}}"#).status == 400)

            #expect(try await call(server, .POST, "/tenants/alpha/api-key", as: people.alphaViewer).status == 403)
            let rotated = try await call(server, .POST, "/tenants/alpha/api-key", as: people.alphaOwner)
            let key = try #require(rotated.json["api_key"]?.stringValue)
            #expect(try await server.send(.GET, "/api/v1/sources", headers: [("Authorization", "Bearer \(key)")]).status == 200)
        }
    }

    @Test(arguments: TestBackend.available)
    func ownersManageTheirTenantsPeople(_ backend: TestBackend) async throws {
        try await withPeople(backend) { server, people in
            let listed = try await call(server, .GET, "/tenants/alpha/users", as: people.alphaOwner)
            #expect(listed.json["users"]?.arrayValue?.map { $0["email"]?.stringValue ?? "" } == ["owner@alpha.example", "viewer@alpha.example"])
            #expect(!String(decoding: listed.body, as: UTF8.self).contains("scrypt"))
            #expect(try await call(server, .GET, "/tenants/alpha/users", as: people.alphaViewer).status == 403)
            #expect(try await call(server, .GET, "/tenants/alpha/users", as: people.betaOwner).status == 404)

            let added = try await call(server, .POST, "/tenants/alpha/users", as: people.alphaOwner,
                                       json: #"{"email": "new.operator@alpha.example", "role": "operator", "generate_password": true}"#)
            #expect(added.status == 201)
            let password = try #require(added.json["password"]?.stringValue)
            let signIn = try await server.send(.POST, "/api/v1/admin/session",
                                               body: Data(#"{"email": "new.operator@alpha.example", "password": "\#(password)"}"#.utf8))
            #expect(signIn.status == 200)
            for json in [#"{"email": "x@alpha.example", "role": "king"}"#, #"{"email": "x@alpha.example", "role": "viewer"}"#,
                         #"{"email": "not-an-address", "role": "viewer", "password": "long enough password"}"#, "{}"] {
                #expect(try await call(server, .POST, "/tenants/alpha/users", as: people.alphaOwner, json: json).status == 400, "\(json)")
            }
            #expect(try await call(server, .DELETE, "/tenants/alpha/users/\(people.alphaOwnerID)", as: people.alphaOwner).errorCode == "cannot_remove_self")
            #expect(try await call(server, .DELETE, "/tenants/alpha/users/\(people.alphaViewerID)", as: people.betaOwner).status == 404)
            #expect(try await call(server, .DELETE, "/tenants/alpha/users/\(people.alphaViewerID)", as: people.alphaOwner).status == 204)
            #expect(try await call(server, .GET, "/tenants/alpha", as: people.alphaViewer).status == 404, "the removed viewer no longer reaches the tenant")
            #expect(try await call(server, .DELETE, "/tenants/alpha/users/not-an-id", as: people.alphaOwner).status == 404)
        }
    }
}
