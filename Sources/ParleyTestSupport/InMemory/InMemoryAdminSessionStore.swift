import Foundation
import ParleyCore

/// `AdminSessionStore` in memory, for the accounts use case's fast tests.
public actor InMemoryAdminSessionStore: AdminSessionStore {
    private var sessions: [AdminSessionID: AdminSession] = [:]

    public init() {}

    public func create(_ session: AdminSession) async throws { sessions[session.id] = session }

    public func session(_ id: AdminSessionID) async throws -> AdminSession? { sessions[id] }

    public func revoke(_ id: AdminSessionID, at instant: Date) async throws {
        if sessions[id]?.revokedAt == nil { sessions[id]?.revokedAt = instant }
    }

    public func revokeAll(of user: AdminUserID, at instant: Date) async throws {
        for (id, session) in sessions where session.userID == user && session.revokedAt == nil { sessions[id]?.revokedAt = instant }
    }

    public func purge(expiredBefore cutoff: Date) async throws -> Int {
        let expired = sessions.filter { $0.value.expiresAt < cutoff || ($0.value.revokedAt.map { $0 < cutoff } ?? false) }
        for id in expired.keys { sessions[id] = nil }
        return expired.count
    }
}
