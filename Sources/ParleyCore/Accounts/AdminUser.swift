import Foundation

public enum AdminUserTag {}
public typealias AdminUserID = Identifier<AdminUserTag>

/// What a person may do in one tenant's admin: owners everything (users, budgets, keys),
/// operators conversations and knowledge, viewers read only.
public enum AdminRole: String, Sendable, Codable, CaseIterable, Comparable {
    case viewer
    case `operator`
    case owner

    /// Whether this role includes everything `other` may do.
    public func includes(_ other: AdminRole) -> Bool { self >= other }

    public static func < (lhs: AdminRole, rhs: AdminRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A person who signs in to the admin panel or its API. Not a tenant's row: one person can
/// belong to several tenants (`TenantMembership`), and a platform administrator manages all.
public struct AdminUser: Sendable, Equatable {
    public var id: AdminUserID
    /// Lower-cased; unique.
    public var email: String
    public var displayName: String
    /// Manages tenants (seed 004's admin key, as a person).
    public var isPlatformAdmin: Bool
    public var isActive: Bool
    /// `scrypt$…` (see `PasswordHasher`); never leaves the server.
    public var passwordHash: String
    public var createdAt: Date
    public var passwordChangedAt: Date
    /// Consecutive failed sign-ins, and until when the account refuses sign-ins after too many.
    public var failedLogins: Int
    public var lockedUntil: Date?

    public init(id: AdminUserID = AdminUserID(), email: String, displayName: String, isPlatformAdmin: Bool = false,
                isActive: Bool = true, passwordHash: String, createdAt: Date = Date(), passwordChangedAt: Date = Date(),
                failedLogins: Int = 0, lockedUntil: Date? = nil) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.isPlatformAdmin = isPlatformAdmin
        self.isActive = isActive
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.passwordChangedAt = passwordChangedAt
        self.failedLogins = failedLogins
        self.lockedUntil = lockedUntil
    }
}

/// A person's role in one tenant.
public struct TenantMembership: Sendable, Equatable {
    public var userID: AdminUserID
    public var tenantID: TenantID
    public var role: AdminRole

    public init(userID: AdminUserID, tenantID: TenantID, role: AdminRole) {
        self.userID = userID
        self.tenantID = tenantID
        self.role = role
    }
}

/// Persistence of admin users and their memberships.
public protocol AccountStore: Sendable {
    func user(id: AdminUserID) async throws -> AdminUser?
    /// `email` is compared lower-cased.
    func user(email: String) async throws -> AdminUser?
    /// Fails with `conflict` when the e-mail address is taken.
    func create(_ user: AdminUser) async throws
    func updatePassword(_ id: AdminUserID, hash: String, changedAt: Date) async throws
    /// Records the outcome of a sign-in: the failure count and lock, or a reset after success.
    func recordLogin(_ id: AdminUserID, failedLogins: Int, lockedUntil: Date?) async throws
    func memberships(of user: AdminUserID) async throws -> [TenantMembership]
    /// Creates or changes the user's role in the tenant.
    func setMembership(_ membership: TenantMembership) async throws
    func countUsers() async throws -> Int
    /// The people with a role in the tenant, by e-mail address.
    func members(of tenant: TenantID) async throws -> [(user: AdminUser, role: AdminRole)]
    /// Takes the user's role in the tenant away; false when there was none.
    func removeMembership(user: AdminUserID, tenant: TenantID) async throws -> Bool
}
