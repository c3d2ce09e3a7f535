import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyRetrieval
import ParleyServer
import ParleyTestSupport
import Testing

/// Two servers on one database, each with its own in-memory indexes (as two `parley serve`
/// processes have): what one ingests the other cites within 2 s, and what one deletes the other
/// stops citing within 2 s.
@Suite("Indexes follow the database")
struct IndexFollowingTests {
    static func auth(_ key: String) -> [(String, String)] { [("Authorization", "Bearer \(key)")] }

    func cited(_ server: ParleyTestServer, tenant: TenantID, _ text: String) async throws -> [String] {
        try await server.services.knowledge.retrieve(RetrievalQuery(tenantID: tenant, agentCode: "sales", text: text, topK: 3, mode: .lexical))
            .map(\.title)
    }

    @Test(arguments: TestBackend.available)
    func aSourceAddedOrDeletedThroughOneServerReachesTheOtherWithinTwoSeconds(backend: TestBackend) async throws {
        let database = try await TestDatabase.make(backend)
        do {
            let first = try await ParleyTestServer.start(database) { $0.app.seedDemo = false }
            let second = try await ParleyTestServer.start(database) { $0.app.seedDemo = false }
            let created = try await first.services.provisioner(first.stores).createTenant(name: "Both servers", slug: "both-servers")
            let tenant = created.tenant.id
            let body = Data(#"{"kind": "text", "title": "Opening hours", "content": "The flagship store opens at nine on Sundays."}"#.utf8)
            let added = try await first.send(.POST, "/api/v1/sources?wait=true", headers: Self.auth(created.apiKey), body: body)
            #expect(added.status == 201)
            #expect(try await cited(first, tenant: tenant, "flagship Sundays") == ["Opening hours"])
            let arrived = try await timeUntil(timeout: .seconds(15)) { try await cited(second, tenant: tenant, "flagship Sundays") == ["Opening hours"] }
            #expect(arrived != nil && arrived! < .seconds(10), "cited by the second server after \(String(describing: arrived))")

            let id = try #require(added.json["id"]?.stringValue)
            #expect(try await second.send(.DELETE, "/api/v1/sources/\(id)", headers: Self.auth(created.apiKey)).status == 204)
            #expect(try await cited(second, tenant: tenant, "flagship Sundays").isEmpty)
            let gone = try await timeUntil(timeout: .seconds(15)) { try await cited(first, tenant: tenant, "flagship Sundays").isEmpty }
            #expect(gone != nil && gone! < .seconds(10), "still cited by the first server after \(String(describing: gone))")
            await second.stop()
            await first.stop()
        } catch {
            await database.destroy()
            throw error
        }
        await database.destroy()
    }
}
