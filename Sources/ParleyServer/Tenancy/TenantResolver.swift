import ParleyCore
import Vapor

/// Finds the tenant a request acts for.
///
/// In `single-tenant` mode every request belongs to `app.default_tenant`. In `multi-tenant`
/// mode a page identifies itself with its public widget key (`X-Parley-Tenant`) and a server
/// with its secret API key (`Authorization: Bearer`). An unknown or inactive widget key is 404,
/// an unknown or inactive API key is 401; the two answers never say which tenants exist.
struct TenantResolver {
    let mode: ParleyConfig.TenancyMode
    let defaultSlug: String
    let tenants: any TenantDirectory

    static let widgetKeyHeader = "X-Parley-Tenant"

    init(mode: ParleyConfig.TenancyMode, defaultSlug: String, tenants: any TenantDirectory) {
        self.mode = mode
        self.defaultSlug = defaultSlug
        self.tenants = tenants
    }

    func resolve(_ request: Request) async throws -> Tenant {
        if mode == .singleTenant {
            guard let tenant = try await tenants.tenant(slug: defaultSlug), tenant.isActive else {
                throw ParleyError.unknownTenant
            }
            return tenant
        }
        if let bearer = request.headers.bearerAuthorization?.token {
            guard bearer.count <= 256, let tenant = try await tenants.tenant(apiKeyHash: KeyMaterial.hash(bearer)),
                  tenant.isActive else {
                throw ParleyError(code: "invalid_api_key", message: "The API key is not valid.", kind: .unauthenticated)
            }
            return tenant
        }
        if let widgetKey = request.headers.first(name: Self.widgetKeyHeader) {
            guard widgetKey.count <= 128, let tenant = try await tenants.tenant(widgetKey: widgetKey), tenant.isActive else {
                throw ParleyError.unknownTenant
            }
            return tenant
        }
        throw ParleyError(code: "missing_tenant",
                          message: "Identify the site with the X-Parley-Tenant header or an API key.", kind: .unauthenticated)
    }

    /// Checks that credentials a request carries, if any, name `tenant` (used where the tenant
    /// comes from a signed token, such as the stream GET).
    func assertCompatible(_ request: Request, with tenant: Tenant) async throws {
        guard mode == .multiTenant,
              request.headers.bearerAuthorization != nil || request.headers.first(name: Self.widgetKeyHeader) != nil
        else { return }
        let claimed = try await resolve(request)
        guard claimed.id == tenant.id else {
            throw ParleyError.forbidden("This stream belongs to another site.")
        }
    }
}
