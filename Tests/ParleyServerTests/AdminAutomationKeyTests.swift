import Foundation
import NIOHTTP1
import ParleyCore
import ParleyServer
import ParleyTestSupport
import Testing

/// `PARLEY_ADMIN_API_KEY`: automation acts as a platform administrator on the admin API, and
/// only with the whole key.
@Suite("Admin automation key")
struct AdminAutomationKeyTests {
    static let key = "automation-key-0123456789-abcdefghijklmnop"

    @Test func theKeyActsAsAPlatformAdministrator() async throws {
        try await ParleyTestServer.with(.sqlite, secrets: ParleySecrets(adminAPIKey: Self.key)) { server in
            let listed = try await server.send(.GET, "/api/v1/admin/tenants", headers: [("Authorization", "Bearer \(Self.key)")])
            #expect(listed.json["tenants"]?.arrayValue?.map { $0["slug"]?.stringValue ?? "" } == ["demo"])
            let created = try await server.send(.POST, "/api/v1/admin/tenants", headers: [("Authorization", "Bearer \(Self.key)")],
                                                body: Data(#"{"name": "Made by a script", "slug": "scripted"}"#.utf8))
            #expect(created.status == 201)
            #expect(try await server.send(.GET, "/api/v1/admin/me", headers: [("Authorization", "Bearer \(Self.key)")])
                .json["platform_admin"] == .bool(true))
            for wrong in [String(Self.key.dropLast()), Self.key + "x", Self.key.uppercased(), ""] {
                #expect(try await server.send(.GET, "/api/v1/admin/tenants", headers: [("Authorization", "Bearer \(wrong)")]).status == 401)
            }
            // No password to change, nothing else opened by it.
            let change = try await server.send(.PUT, "/api/v1/admin/me/password", headers: [("Authorization", "Bearer \(Self.key)")],
                                               body: Data(#"{"current": "x", "new": "something long enough"}"#.utf8))
            #expect(change.status == 401)
        }
    }

    @Test func aShortKeyStopsStartUp() async throws {
        let database = try await TestDatabase.make(.sqlite)
        defer { Task { await database.destroy() } }
        do {
            let server = try await ParleyTestServer.start(database, secrets: ParleySecrets(adminAPIKey: "too-short"))
            await server.stop()
            Issue.record("a server started with a 9-character admin key")
        } catch let error as ConfigError {
            #expect(error.message.contains("PARLEY_ADMIN_API_KEY") && !error.message.contains("too-short"))
        }
    }
}
