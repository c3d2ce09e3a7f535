import FluentKit
import Foundation
import ParleyCore

/// Row of `admin_users`: a person who signs in to the admin (platform-wide, not a tenant's row;
/// `admin_memberships` says which tenants they work in).
final class AdminUserModel: Model, @unchecked Sendable {
    static let schema = "admin_users"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "is_platform_admin") var isPlatformAdmin: Bool
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "password_changed_at") var passwordChangedAt: Date
    @Field(key: "failed_logins") var failedLogins: Int
    @OptionalField(key: "locked_until") var lockedUntil: Date?

    init() {}

    init(_ user: AdminUser) {
        id = user.id.uuid
        email = user.email
        displayName = user.displayName
        isPlatformAdmin = user.isPlatformAdmin
        isActive = user.isActive
        passwordHash = user.passwordHash
        createdAt = user.createdAt
        passwordChangedAt = user.passwordChangedAt
        failedLogins = user.failedLogins
        lockedUntil = user.lockedUntil
    }

    func domain() throws -> AdminUser {
        AdminUser(id: AdminUserID(try requireID()), email: email, displayName: displayName, isPlatformAdmin: isPlatformAdmin,
                  isActive: isActive, passwordHash: passwordHash, createdAt: createdAt, passwordChangedAt: passwordChangedAt,
                  failedLogins: failedLogins, lockedUntil: lockedUntil)
    }
}

/// Row of `admin_memberships`: one person's role in one tenant.
final class AdminMembershipModel: Model, @unchecked Sendable {
    static let schema = "admin_memberships"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "role") var role: String

    init() {}

    func domain() -> TenantMembership? {
        AdminRole(rawValue: role).map { TenantMembership(userID: AdminUserID(userID), tenantID: TenantID(tenantID), role: $0) }
    }
}

/// Row of `admin_sessions`: a signed-in session a token names.
final class AdminSessionModel: Model, @unchecked Sendable {
    static let schema = "admin_sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}

    init(_ session: AdminSession) {
        id = session.id.uuid
        userID = session.userID.uuid
        createdAt = session.createdAt
        expiresAt = session.expiresAt
        revokedAt = session.revokedAt
    }

    func domain() throws -> AdminSession {
        AdminSession(id: AdminSessionID(try requireID()), userID: AdminUserID(userID), createdAt: createdAt, expiresAt: expiresAt,
                     revokedAt: revokedAt)
    }
}
