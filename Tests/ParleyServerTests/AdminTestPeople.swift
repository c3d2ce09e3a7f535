import Fluent
import Foundation
import NIOHTTP1
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

    /// A new account with `role` in `tenant`, signed in as the panel is: its session cookie
    /// header and the CSRF token its forms carry.
    func panelSession(_ email: String, _ tenant: TenantID?, _ role: AdminRole = .owner, platform: Bool = false) async throws -> PanelSession {
        let user = try await accounts.create(email: email, displayName: email, password: "test password 123", platformAdmin: platform,
                                             membership: tenant.map { ($0, role) })
        let issued = try await server.services.adminSessions(on: server.app.db(.parley)).open(for: user)
        return PanelSession(server: server, cookie: "parley_admin=\(issued.token)", csrf: issued.csrfToken)
    }
}

/// A signed-in browser, for the panel tests: pages with the cookie, forms with the CSRF token.
struct PanelSession {
    let server: ParleyTestServer
    let cookie: String
    let csrf: String

    func get(_ path: String) async throws -> ParleyTestServer.Reply {
        try await server.send(.GET, path, headers: [("Cookie", cookie)])
    }

    /// Posts a URL-encoded form; `csrf: false` leaves the token out.
    func post(_ path: String, _ fields: [(String, String)], csrf withToken: Bool = true) async throws -> ParleyTestServer.Reply {
        var components = URLComponents()
        components.queryItems = (withToken ? [URLQueryItem(name: "_csrf", value: csrf)] : []) + fields.map { URLQueryItem(name: $0.0, value: $0.1) }
        let body = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        return try await server.send(.POST, path, headers: [("Cookie", cookie)], body: Data(body.utf8), contentType: "application/x-www-form-urlencoded")
    }
}
