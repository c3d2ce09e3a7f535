import Foundation
import ParleyCore

/// What a signed-in admin may reach. A tenant the person has no role in is `unknown_tenant`
/// (404), exactly like a tenant that does not exist, so that the answer never confirms that
/// another business uses Parley; a role too small for the action is `forbidden` (403), naming
/// the role it needs.
public struct AdminAccess: Sendable {
    public let principal: AdminSessions.Principal

    public init(_ principal: AdminSessions.Principal) {
        self.principal = principal
    }

    /// The tenant with `slug` and the person's role in it, when that role includes `needed`.
    public func tenant(_ slug: String, in directory: any TenantDirectory, needs needed: AdminRole) async throws -> (Tenant, AdminRole) {
        guard slug.count <= 64, let tenant = try await directory.tenant(slug: slug), let role = principal.role(in: tenant.id) else {
            throw ParleyError.notFound("unknown_tenant", "You have no tenant '\(String(slug.prefix(64)))'.")
        }
        guard role.includes(needed) else {
            throw ParleyError(code: "forbidden", message: "This needs the \(needed.rawValue) role in \(tenant.slug); yours is \(role.rawValue).",
                              kind: .forbidden)
        }
        return (tenant, role)
    }

    /// The tenants the person works in (every tenant for a platform administrator), with their role.
    public func tenants(in directory: any TenantDirectory) async throws -> [(Tenant, AdminRole)] {
        if principal.user.isPlatformAdmin { return try await directory.allTenants().map { ($0, .owner) } }
        var result: [(Tenant, AdminRole)] = []
        for membership in principal.memberships {
            if let tenant = try await directory.tenant(id: membership.tenantID) { result.append((tenant, membership.role)) }
        }
        return result.sorted { $0.0.slug < $1.0.slug }
    }

    /// Platform administration (creating and switching off tenants).
    public func requirePlatformAdmin() throws {
        guard principal.user.isPlatformAdmin else {
            throw ParleyError(code: "forbidden", message: "Only a platform administrator can do this.", kind: .forbidden)
        }
    }
}
