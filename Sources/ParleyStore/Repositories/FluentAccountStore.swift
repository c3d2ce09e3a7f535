import FluentKit
import Foundation
import ParleyCore

/// `AccountStore` on Fluent.
public struct FluentAccountStore: AccountStore {
    private let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func user(id: AdminUserID) async throws -> AdminUser? {
        try await AdminUserModel.find(id.uuid, on: database)?.domain()
    }

    public func user(email: String) async throws -> AdminUser? {
        try await AdminUserModel.query(on: database).filter(\.$email == email.lowercased()).first()?.domain()
    }

    public func create(_ user: AdminUser) async throws {
        do {
            try await AdminUserModel(user).create(on: database)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw ParleyError(code: "email_taken", message: "An account with this e-mail address exists.", kind: .conflict)
        }
    }

    public func updatePassword(_ id: AdminUserID, hash: String, changedAt: Date) async throws {
        try await AdminUserModel.query(on: database).filter(\.$id == id.uuid)
            .set(\.$passwordHash, to: hash).set(\.$passwordChangedAt, to: changedAt)
            .set(\.$failedLogins, to: 0).set(\.$lockedUntil, to: nil)
            .update()
    }

    public func recordLogin(_ id: AdminUserID, failedLogins: Int, lockedUntil: Date?) async throws {
        try await AdminUserModel.query(on: database).filter(\.$id == id.uuid)
            .set(\.$failedLogins, to: failedLogins).set(\.$lockedUntil, to: lockedUntil)
            .update()
    }

    public func memberships(of user: AdminUserID) async throws -> [TenantMembership] {
        try await AdminMembershipModel.query(on: database).filter(\.$userID == user.uuid).all().compactMap { $0.domain() }
    }

    public func setMembership(_ membership: TenantMembership) async throws {
        if let existing = try await AdminMembershipModel.query(on: database)
            .filter(\.$userID == membership.userID.uuid).filter(\.$tenantID == membership.tenantID.uuid).first() {
            existing.role = membership.role.rawValue
            try await existing.update(on: database)
            return
        }
        let model = AdminMembershipModel()
        model.id = UUID()
        model.userID = membership.userID.uuid
        model.tenantID = membership.tenantID.uuid
        model.role = membership.role.rawValue
        try await model.create(on: database)
    }

    public func countUsers() async throws -> Int {
        try await AdminUserModel.query(on: database).count()
    }

    public func members(of tenant: TenantID) async throws -> [(user: AdminUser, role: AdminRole)] {
        let memberships = try await AdminMembershipModel.query(on: database).filter(\.$tenantID == tenant.uuid).all()
        let roles = Dictionary(memberships.compactMap { membership in AdminRole(rawValue: membership.role).map { (membership.userID, $0) } },
                               uniquingKeysWith: { first, _ in first })
        guard !roles.isEmpty else { return [] }
        let users = try await AdminUserModel.query(on: database).filter(\.$id ~~ Array(roles.keys)).sort(\.$email).all()
        return try users.compactMap { model in
            guard let id = model.id, let role = roles[id] else { return nil }
            return (try model.domain(), role)
        }
    }

    public func removeMembership(user: AdminUserID, tenant: TenantID) async throws -> Bool {
        let query = AdminMembershipModel.query(on: database).filter(\.$userID == user.uuid).filter(\.$tenantID == tenant.uuid)
        guard try await query.count() > 0 else { return false }
        try await AdminMembershipModel.query(on: database).filter(\.$userID == user.uuid).filter(\.$tenantID == tenant.uuid).delete()
        return true
    }
}
