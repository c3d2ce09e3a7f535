import Fluent
import Foundation
import ParleyAccounts
import ParleyCore
import ParleyServer
import ParleyStore
import ParleyTestSupport

/// Admin accounts for the admin API tests: made with fast password hashing, signed in by opening
/// their session directly (sign-in itself has its own tests).
struct AdminTestPeople {
    let server: ParleyTestServer

    var accounts: AccountDirectory {
        AccountDirectory(store: FluentAccountStore(database: server.app.db(.parley)), hasher: PasswordHasher(parameters: .fastForTests),
                         throttle: LoginThrottle())
    }

    /// A new account with `role` in `tenant` (or a platform administrator) and a session token for it.
    func token(_ email: String, _ tenant: TenantID?, _ role: AdminRole = .owner, platform: Bool = false) async throws -> (token: String, id: AdminUserID) {
        let user = try await accounts.create(email: email, displayName: email, password: "test password 123", platformAdmin: platform,
                                             membership: tenant.map { ($0, role) })
        return (try await server.services.adminSessions(on: server.app.db(.parley)).open(for: user).token, user.id)
    }
}
