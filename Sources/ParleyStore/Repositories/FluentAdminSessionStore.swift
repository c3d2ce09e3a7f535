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
        let expired = try await AdminSessionModel.query(on: database).filter(\.$expiresAt < cutoff).count()
        try await AdminSessionModel.query(on: database).filter(\.$expiresAt < cutoff).delete()
        return expired
    }
}
