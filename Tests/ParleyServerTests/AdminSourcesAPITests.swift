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
        try await ParleyTestServer.with(backend, adjust: {
            $0.app.seedDemo = false
            $0.app.defaultTenant = "alpha"
            $0.ingest.allowPrivateNetworks = true
        }) { server in
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

            // The chunks of a source, in reading order; another tenant's people cannot see them.
            let chunks = try await call(.GET, "/\(id)/chunks", as: viewer)
            #expect(chunks.json["chunks"]?.arrayValue?.first?["text"]?.stringValue?.contains("Alpha opens at nine.") == true)
            #expect(chunks.json["chunks"]?.arrayValue?.first?["position"]?.doubleValue == 0)
            #expect(try await call(.GET, "/\(id)/chunks", as: stranger).status == 404)
            #expect(try await call(.GET, "/not-a-uuid/chunks", as: viewer).status == 404)
            #expect(try await call(.GET, "/\(UUID())/chunks", as: viewer).errorCode == "unknown_source")

            // Re-ingesting: a web source is crawled again through the queue; typed text cannot be refetched.
            #expect(try await call(.POST, "/\(id)/reingest", as: operatorToken).errorCode == "not_refetchable")
            let site = try await LocalSiteServer.start(["/hours": .init(body: "<html><head><title>Hours</title></head><body><p>Open at nine.</p></body></html>")])
            defer { Task { await site.stop() } }
            let web = try await call(.POST, "?wait=true", as: operatorToken, #"{"kind": "url", "url": "\#(site.url("/hours"))"}"#)
            let webID = try #require(web.json["id"]?.stringValue, "\(String(decoding: web.body, as: UTF8.self))")
            let fetchesBefore = await site.hits.filter { $0.path == "/hours" }.count
            #expect(try await call(.POST, "/\(webID)/reingest", as: viewer).status == 403)
            #expect(try await call(.POST, "/\(webID)/reingest", as: stranger).status == 404)
            let again = try await call(.POST, "/\(webID)/reingest", as: operatorToken)
            #expect(again.status == 202 && again.json["id"]?.stringValue == webID, "\(String(decoding: again.body, as: UTF8.self))")
            #expect(try await eventually { await site.hits.filter { $0.path == "/hours" }.count > fetchesBefore }, "the page is fetched again")
            #expect(try await eventually { try await server.rowCount("source_inputs") == 0 }, "the re-ingestion job finishes")
            #expect(try await call(.GET, "", as: viewer).json["sources"]?.arrayValue?.count == 2, "re-ingesting adds no source")

            #expect(try await call(.DELETE, "/\(id)", as: viewer).status == 403)
            #expect(try await call(.DELETE, "/\(id)", as: operatorToken).status == 204)
            #expect(try await call(.DELETE, "/\(webID)", as: operatorToken).status == 204)
            #expect(try await server.rowCount("chunks") == 0)
        }
    }
}
