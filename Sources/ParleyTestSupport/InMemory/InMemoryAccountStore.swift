import Foundation
import ParleyCore

/// `AccountStore` in memory, for the accounts use case's fast tests.
public actor InMemoryAccountStore: AccountStore {
    private var users: [AdminUserID: AdminUser] = [:]
    private var memberships: [TenantMembership] = []

    public init() {}

    public func user(id: AdminUserID) async throws -> AdminUser? { users[id] }

    public func user(email: String) async throws -> AdminUser? {
        users.values.first { $0.email == email.lowercased() }
    }

    public func create(_ user: AdminUser) async throws {
        guard !users.values.contains(where: { $0.email == user.email }) else {
            throw ParleyError(code: "email_taken", message: "An account with this e-mail address exists.", kind: .conflict)
        }
        users[user.id] = user
    }

    public func updatePassword(_ id: AdminUserID, hash: String, changedAt: Date) async throws {
        users[id]?.passwordHash = hash
        users[id]?.passwordChangedAt = changedAt
        users[id]?.failedLogins = 0
        users[id]?.lockedUntil = nil
    }

    public func recordLogin(_ id: AdminUserID, failedLogins: Int, lockedUntil: Date?) async throws {
        users[id]?.failedLogins = failedLogins
        users[id]?.lockedUntil = lockedUntil
    }

    public func memberships(of user: AdminUserID) async throws -> [TenantMembership] {
        memberships.filter { $0.userID == user }
    }

    public func setMembership(_ membership: TenantMembership) async throws {
        memberships.removeAll { $0.userID == membership.userID && $0.tenantID == membership.tenantID }
        memberships.append(membership)
    }

    public func countUsers() async throws -> Int { users.count }

    public func members(of tenant: TenantID) async throws -> [(user: AdminUser, role: AdminRole)] {
        memberships.filter { $0.tenantID == tenant }.compactMap { membership in users[membership.userID].map { ($0, membership.role) } }
            .sorted { $0.0.email < $1.0.email }
    }

    public func removeMembership(user: AdminUserID, tenant: TenantID) async throws -> Bool {
        let before = memberships.count
        memberships.removeAll { $0.userID == user && $0.tenantID == tenant }
        return memberships.count < before
    }

    /// Test hook: deactivates an account.
    public func deactivate(_ id: AdminUserID) { users[id]?.isActive = false }
}
