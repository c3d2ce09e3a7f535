import Foundation

public enum AdminSessionTag {}
public typealias AdminSessionID = Identifier<AdminSessionTag>

/// One signed-in session of an admin user: the server-side row behind a session token, so
/// that signing out (or an administrator) ends it at once, before the token expires.
public struct AdminSession: Sendable, Equatable {
    public var id: AdminSessionID
    public var userID: AdminUserID
    public var createdAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?

    public init(id: AdminSessionID = AdminSessionID(), userID: AdminUserID, createdAt: Date, expiresAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.userID = userID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    public func isLive(at instant: Date) -> Bool { revokedAt == nil && expiresAt > instant }
}

/// Persistence of admin sessions.
public protocol AdminSessionStore: Sendable {
    func create(_ session: AdminSession) async throws
    func session(_ id: AdminSessionID) async throws -> AdminSession?
    func revoke(_ id: AdminSessionID, at instant: Date) async throws
    /// Ends every live session of the user (a password change, a deactivation).
    func revokeAll(of user: AdminUserID, at instant: Date) async throws
    /// Deletes sessions that expired or were ended before `cutoff` (housekeeping); returns how many.
    func purge(expiredBefore cutoff: Date) async throws -> Int
}
