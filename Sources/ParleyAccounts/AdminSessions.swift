import Crypto
import Foundation
import JWTKit
import ParleyCore

/// Signed-in admin sessions: a session row in the database and a JWT (HS256, keyed from the
/// server secret) that names it. A token is accepted only while its signature checks, it has
/// not expired, its session row is live, its account is active, and the account's password has
/// not changed since it was issued. Each session has its own CSRF token, which the panel's forms
/// and cookie-authenticated API calls must send back.
public struct AdminSessions: Sendable {
    /// What a successful sign-in hands out.
    public struct Issued: Sendable {
        public var token: String
        public var csrfToken: String
        public var expiresAt: Date
        public var session: AdminSessionID
    }

    /// Who a request acts as.
    public struct Principal: Sendable {
        public var user: AdminUser
        public var memberships: [TenantMembership]
        public var session: AdminSessionID
        public var csrfToken: String

        /// The principal `PARLEY_ADMIN_API_KEY` stands for: a platform administrator with no
        /// account and no session (nothing to sign out of, no password to change).
        public static let automation = Principal(
            user: AdminUser(id: AdminUserID(UUID(uuidString: "00000000-0000-0000-0000-00000000a11c")!), email: "automation@parley.invalid",
                            displayName: "Automation (PARLEY_ADMIN_API_KEY)", isPlatformAdmin: true, passwordHash: "",
                            createdAt: Date(timeIntervalSince1970: 0), passwordChangedAt: Date(timeIntervalSince1970: 0)),
            memberships: [], session: AdminSessionID(UUID(uuidString: "00000000-0000-0000-0000-00000000a11c")!), csrfToken: "")

        public var isAutomation: Bool { session == Self.automation.session }

        /// The user's role in `tenant`: every role for a platform administrator, nil when none.
        public func role(in tenant: TenantID) -> AdminRole? {
            user.isPlatformAdmin ? .owner : memberships.first { $0.tenantID == tenant }?.role
        }
    }

    struct Claims: JWTPayload {
        var sub: SubjectClaim
        var sid: String
        var iat: IssuedAtClaim
        var exp: ExpirationClaim
        /// The account's password change time (Unix seconds) when the token was issued.
        var pwd: Int64
        var csrf: String

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
        }
    }

    private let keys: JWTKeyCollection
    private let sessions: any AdminSessionStore
    private let accounts: any AccountStore
    private let lifetime: Duration
    private let clock: @Sendable () -> Date

    public init(tokens: AdminSessionTokens, sessions: any AdminSessionStore, accounts: any AccountStore,
                lifetime: Duration = .seconds(12 * 3600), clock: @escaping @Sendable () -> Date = Date.init) {
        keys = tokens.keys
        self.sessions = sessions
        self.accounts = accounts
        self.lifetime = lifetime
        self.clock = clock
    }

    /// Opens a session for a user who has just signed in.
    public func open(for user: AdminUser) async throws -> Issued {
        let now = clock()
        let expires = now.addingTimeInterval(Double(lifetime.components.seconds))
        let session = AdminSession(userID: user.id, createdAt: now, expiresAt: expires)
        try await sessions.create(session)
        let csrf = KeyMaterial.randomKey(prefix: "", byteCount: 24)
        let claims = Claims(sub: SubjectClaim(value: user.id.description), sid: session.id.description,
                            iat: IssuedAtClaim(value: now), exp: ExpirationClaim(value: expires),
                            pwd: Int64(user.passwordChangedAt.timeIntervalSince1970.rounded(.down)), csrf: csrf)
        return Issued(token: try await keys.sign(claims), csrfToken: csrf, expiresAt: expires, session: session.id)
    }

    /// The principal a token stands for, or `unauthenticated` (one message whatever is wrong).
    public func principal(for token: String) async throws -> Principal {
        let refused = ParleyError(code: "session_invalid", message: "Sign in to continue.", kind: .unauthenticated)
        guard token.utf8.count <= 4096, let claims = try? await keys.verify(token, as: Claims.self),
              claims.exp.value > clock(),
              let userID = AdminUserID(string: claims.sub.value), let sessionID = AdminSessionID(string: claims.sid),
              let session = try await sessions.session(sessionID), session.userID == userID, session.isLive(at: clock()),
              let user = try await accounts.user(id: userID), user.isActive,
              Int64(user.passwordChangedAt.timeIntervalSince1970.rounded(.down)) == claims.pwd
        else { throw refused }
        return Principal(user: user, memberships: try await accounts.memberships(of: userID), session: sessionID, csrfToken: claims.csrf)
    }

    /// Ends one session (signing out).
    public func close(_ session: AdminSessionID) async throws {
        try await sessions.revoke(session, at: clock())
    }

    /// Ends every session of the user.
    public func closeAll(of user: AdminUserID) async throws {
        try await sessions.revokeAll(of: user, at: clock())
    }
}

/// The key admin session tokens are signed with (HS256, derived from the server secret): made
/// once per process and shared by every request's `AdminSessions`.
public struct AdminSessionTokens: Sendable {
    let keys: JWTKeyCollection

    public init(secret: String) async {
        let key = SymmetricKey(data: SHA256.hash(data: Data(("parley-admin-session:" + secret).utf8)))
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(key: key), digestAlgorithm: .sha256)
    }
}
