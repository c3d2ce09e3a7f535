import Fluent
import SQLKit
import Foundation
import ParleyAccounts
import ParleyChat
import ParleyCore
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing

/// Admin accounts in the real databases: the e-mail address is unique whatever its case,
/// memberships are one per tenant and go with their tenant, and a lock written by one
/// process is seen by any.
@Suite("Admin accounts in the database")
struct AccountStoreTests {
    @Test(arguments: TestBackend.available)
    func accountsMembershipsAndLocksPersist(_ backend: TestBackend) async throws {
        // No job worker: its housekeeping purges ended admin sessions too, and running beside the
        // purge below it could take the rows the test counts.
        try await ParleyTestServer.with(backend, adjust: { $0.app.seedDemo = false; $0.jobs.inProcessWorker = false }) { server in
            let tenant = try await server.services.provisioner(server.stores).createTenant(name: "Acme", slug: "acme").tenant
            let store = FluentAccountStore(database: server.app.db(.parley))
            let accounts = AccountDirectory(store: store, hasher: PasswordHasher(parameters: .fastForTests), throttle: LoginThrottle())
            let user = try await accounts.create(email: "Boss@Acme.Example", displayName: "Boss", password: "boss password 123",
                                                 membership: (tenant.id, .viewer))
            await #expect(throws: ParleyError.self) {
                try await accounts.create(email: "boss@acme.example", displayName: "Copy", password: "another password 1")
            }
            #expect(try await store.countUsers() == 1)
            try await accounts.grant(.owner, to: user.id, in: tenant.id)
            #expect(try await store.memberships(of: user.id).map(\.role) == [.owner])

            let lock = Date().addingTimeInterval(600)
            try await store.recordLogin(user.id, failedLogins: 0, lockedUntil: lock)
            let fromAnotherHandle = try #require(try await FluentAccountStore(database: server.app.db(.parley)).user(email: "BOSS@acme.example"))
            #expect(abs((fromAnotherHandle.lockedUntil ?? .distantPast).timeIntervalSince(lock)) < 1)
            #expect(fromAnotherHandle.passwordHash.hasPrefix("scrypt$"))

            // Housekeeping deletes sessions that expired or were ended over a day ago, and no other.
            let sessions = FluentAdminSessionStore(database: server.app.db(.parley))
            let now = Date()
            let expired = AdminSession(userID: user.id, createdAt: now.addingTimeInterval(-3 * 86_400), expiresAt: now.addingTimeInterval(-2 * 86_400))
            let ended = AdminSession(userID: user.id, createdAt: now.addingTimeInterval(-3 * 86_400), expiresAt: now.addingTimeInterval(3600),
                                     revokedAt: now.addingTimeInterval(-2 * 86_400))
            let endedToday = AdminSession(userID: user.id, createdAt: now, expiresAt: now.addingTimeInterval(3600), revokedAt: now)
            let live = AdminSession(userID: user.id, createdAt: now, expiresAt: now.addingTimeInterval(3600))
            for session in [expired, ended, endedToday, live] { try await sessions.create(session) }
            #expect(try await sessions.purge(expiredBefore: now.addingTimeInterval(-86_400)) == 2)
            for (session, kept) in [(expired, false), (ended, false), (endedToday, true), (live, true)] {
                #expect((try await sessions.session(session.id) != nil) == kept)
            }

            // A tenant's deletion takes its memberships with it; the person stays.
            try await TenantModelDeletion.delete(tenant.id, on: server.app.db(.parley))
            #expect(try await store.memberships(of: user.id).isEmpty)
            #expect(try await store.user(id: user.id) != nil)
        }
    }
}

/// Deletes a tenant row directly (no product path deletes tenants yet).
enum TenantModelDeletion {
    static func delete(_ id: TenantID, on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "sqlite" { try await sql.raw("PRAGMA foreign_keys = ON").run() }
        try await sql.raw("DELETE FROM tenants WHERE id = \(bind: id.uuid)").run()
    }
}
