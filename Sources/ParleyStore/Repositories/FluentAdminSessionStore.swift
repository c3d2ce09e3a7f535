import FluentKit
import Foundation
import ParleyCore

/// `AdminSessionStore` on Fluent.
public struct FluentAdminSessionStore: AdminSessionStore {
    private let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func create(_ session: AdminSession) async throws {
        try await AdminSessionModel(session).create(on: database)
    }

    public func session(_ id: AdminSessionID) async throws -> AdminSession? {
        try await AdminSessionModel.find(id.uuid, on: database)?.domain()
    }

    public func revoke(_ id: AdminSessionID, at instant: Date) async throws {
        try await AdminSessionModel.query(on: database).filter(\.$id == id.uuid).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: instant).update()
    }

    public func revokeAll(of user: AdminUserID, at instant: Date) async throws {
        try await AdminSessionModel.query(on: database).filter(\.$userID == user.uuid).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: instant).update()
    }

    public func purge(expiredBefore cutoff: Date) async throws -> Int {
        func ended() -> QueryBuilder<AdminSessionModel> {
            AdminSessionModel.query(on: database).group(.or) { $0.filter(\.$expiresAt < cutoff).filter(\.$revokedAt < cutoff) }
        }
        let count = try await ended().count()
        try await ended().delete()
        return count
    }
}
