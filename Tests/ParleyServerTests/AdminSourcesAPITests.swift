import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyServer
import ParleyTestSupport
import Testing

/// A tenant's knowledge sources through the admin session: operators add and delete, viewers
/// read, another tenant's people get 404; the same sources the tenant's API key sees.
@Suite("Admin sources API")
struct AdminSourcesAPITests {
    @Test(arguments: TestBackend.available)
    func operatorsAddAndDeleteViewersRead(_ backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend, adjust: { $0.app.seedDemo = false; $0.app.defaultTenant = "alpha" }) { server in
            let provisioner = server.services.provisioner(server.stores)
            let alpha = try await provisioner.createTenant(name: "Alpha", slug: "alpha")
            let beta = try await provisioner.createTenant(name: "Beta", slug: "beta").tenant
            let people = AdminTestPeople(server: server)
            let operatorToken = try await people.token("op@alpha.example", alpha.tenant.id, .operator).token
            let viewer = try await people.token("v@alpha.example", alpha.tenant.id, .viewer).token
            let stranger = try await people.token("o@beta.example", beta.id, .owner).token
            func call(_ method: HTTPMethod, _ path: String, as token: String?, _ json: String? = nil) async throws -> ParleyTestServer.Reply {
                try await server.send(method, "/api/v1/admin/tenants/alpha/sources" + path,
                                      headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [], body: json.map { Data($0.utf8) })
            }
            let text = #"{"kind": "text", "title": "Hours", "content": "Alpha opens at nine."}"#
            #expect(try await call(.POST, "?wait=true", as: viewer, text).status == 403)
            #expect(try await call(.POST, "?wait=true", as: stranger, text).status == 404)
            #expect(try await call(.POST, "?wait=true", as: nil, text).status == 401)
            let added = try await call(.POST, "?wait=true", as: operatorToken, text)
            #expect(added.status == 201 && added.json["status"]?.stringValue == "indexed", "\(String(decoding: added.body, as: UTF8.self))")
            let id = try #require(added.json["id"]?.stringValue)
            #expect(try await call(.POST, "", as: operatorToken, #"{"kind": "nonsense"}"#).status == 400)

            #expect(try await call(.GET, "", as: viewer).json["sources"]?.arrayValue?.count == 1)
            #expect(try await call(.GET, "/\(id)", as: viewer).json["title"]?.stringValue == "Hours")
            #expect(try await call(.GET, "", as: stranger).status == 404)
            let byKey = try await server.send(.GET, "/api/v1/sources", headers: [("Authorization", "Bearer \(alpha.apiKey)")])
            #expect(byKey.json["sources"]?.arrayValue?.first?["id"]?.stringValue == id, "the API key sees the same source")

            #expect(try await call(.DELETE, "/\(id)", as: viewer).status == 403)
            #expect(try await call(.DELETE, "/\(id)", as: operatorToken).status == 204)
            #expect(try await server.rowCount("chunks") == 0)
        }
    }
}
