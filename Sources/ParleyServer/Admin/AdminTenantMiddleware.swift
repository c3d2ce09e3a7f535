import Fluent
import ParleyAccounts
import ParleyCore
import ParleyStore
import Vapor

/// After `AdminCallerMiddleware`: resolves the `{slug}` tenant of an admin path for the
/// signed-in person, with at least `needs` role there, and hands the handlers the same
/// `TenantContext` the tenant's own API key would, so tenant-scoped handlers serve both.
struct AdminTenantMiddleware: SameTaskMiddleware {
    let needs: AdminRole

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let (tenant, _) = try await request.adminTenant(needs: needs)
        request.logger[metadataKey: "tenant"] = .string(tenant.slug)
        request.setTenantContext(TenantContext(tenant: tenant, agent: nil, services: request.application.parley, database: request.db(.parley)))
        return try await next.respond(to: request)
    }
}

extension Request {
    /// The `{slug}` tenant of an admin path and the signed-in person's role there, when that role
    /// includes `needs` (`AdminAccess`: 404 when it is not theirs, 403 when the role is too small).
    func adminTenant(needs: AdminRole) async throws -> (Tenant, AdminRole) {
        try await AdminAccess(try adminPrincipal)
            .tenant(parameters.get("slug") ?? "", in: FluentTenantDirectory(database: db(.parley)), needs: needs)
    }
}
