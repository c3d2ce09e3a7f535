import Fluent
import ParleyAccounts
import ParleyCore
import ParleyStore
import Vapor

/// After `AdminCallerMiddleware`: resolves the `{slug}` tenant of an admin path for the
/// signed-in person, with at least `needs` role there, and hands the handlers the same
/// `TenantContext` the tenant's own API key would, so tenant-scoped handlers serve both.
struct AdminTenantMiddleware: AsyncMiddleware {
    let needs: AdminRole

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let database = request.db(.parley)
        let (tenant, _) = try await AdminAccess(try request.adminPrincipal)
            .tenant(request.parameters.get("slug") ?? "", in: FluentTenantDirectory(database: database), needs: needs)
        request.logger[metadataKey: "tenant"] = .string(tenant.slug)
        request.setTenantContext(TenantContext(tenant: tenant, agent: nil, services: request.application.parley, database: database))
        return try await next.respond(to: request)
    }
}
