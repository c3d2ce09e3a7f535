import Fluent
import ParleyChat
import ParleyCore
import ParleyStore
import Vapor

/// Resolves who a request acts for, once, for a whole route group, and hands the handlers a
/// `TenantContext`:
/// - `.widget` (`/a/{agent}/…`, `/api/consent…`): the tenancy mode's tenant (widget key or API key);
/// - `.apiKey` (`/api/v1/…`): only the tenant's secret API key, whatever the mode;
/// - `.streamToken` (`/a/{agent}/events/stream`): the tenant inside the signed stream id;
/// - `.page` (`/a/{agent}/`, `/demo`): the default tenant, or in multi-tenant mode the one whose
///   public widget key is in `?site=` (public by design, so it may travel in a URL).
/// On `/a/{agent}/…` it also resolves the agent, which the tenant must have enabled.
struct CallerMiddleware: SameTaskMiddleware {
    enum Credential: Sendable { case widget, apiKey, streamToken, page }

    let credential: Credential

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let services = request.application.parley
        let database = services.loopDatabases.database(for: request)
        let tenants = services.tenantDirectory(on: database)
        let tenant: Tenant
        switch credential {
        case .widget:
            tenant = try await TenantResolver.resolveOnce(request)
        case .apiKey:
            tenant = try await APIKeyAuthenticator.tenant(request, tenants: tenants)
        case .streamToken:
            let claims = try StreamCredential.claims(request, signer: services.signer)
            guard let owner = try await tenants.tenant(id: claims.tenantID), owner.isActive else { throw ParleyError.unknownTenant }
            try await TenantResolver.configured(for: request).assertCompatible(request, with: owner)
            request.storage[StreamCredential.ClaimsKey.self] = claims
            tenant = owner
        case .page:
            let found: Tenant?
            if services.config.app.mode == .multiTenant, let key = request.query[String.self, at: "site"] {
                found = key.count <= 128 ? try await tenants.tenant(widgetKey: key) : nil
            } else {
                found = try await tenants.tenant(slug: services.config.app.defaultTenant)
            }
            guard let found, found.isActive else { throw ParleyError.unknownTenant }
            tenant = found
        }
        var context = TenantContext(tenant: tenant, agent: nil, services: services, database: database)
        if request.parameters.get("agent") != nil {
            context = TenantContext(tenant: tenant, agent: try await context.agent(code: try request.agentCode()),
                                    services: services, database: database)
        }
        request.logger[metadataKey: "tenant"] = .string(tenant.slug)
        request.setTenantContext(context)
        return try await next.respond(to: request)
    }
}

/// The signed `stream_id` of an SSE GET: the one credential that travels in a URL, because
/// `EventSource` cannot send headers.
enum StreamCredential {
    struct ClaimsKey: StorageKey {
        typealias Value = StreamTokenSigner.Claims
    }

    static func claims(_ request: Request, signer: StreamTokenSigner) throws -> StreamTokenSigner.Claims {
        guard let token = QueryParameter.value(of: "stream_id", in: request.url.query), !token.isEmpty else {
            throw ParleyError.badRequest("missing_stream_id", "The stream_id query parameter is required.")
        }
        do {
            return try signer.verify(token)
        } catch .expired {
            throw ParleyError(code: "stream_expired", message: "This stream id has expired. Send the message again.", kind: .expired)
        } catch {
            throw ParleyError.forbidden("This stream id is not valid.")
        }
    }

    /// The claims `CallerMiddleware(.streamToken)` verified.
    static func verified(_ request: Request) throws -> StreamTokenSigner.Claims {
        guard let claims = request.storage[ClaimsKey.self] else { throw ParleyError.internalFailure("The stream route has no caller middleware.") }
        return claims
    }
}

extension TenantResolver {
    private struct ResolvedKey: StorageKey {
        typealias Value = Tenant
    }

    /// The resolver the application's tenancy configuration describes, on the request's database.
    static func configured(for request: Request) -> TenantResolver {
        let services = request.application.parley
        return TenantResolver(mode: services.config.app.mode, defaultSlug: services.config.app.defaultTenant,
                              tenants: services.tenantDirectory(on: services.loopDatabases.database(for: request)))
    }

    /// The request's tenant by the tenancy mode's rules, looked up once per request (the CORS
    /// check and the route group's caller middleware both ask).
    static func resolveOnce(_ request: Request) async throws -> Tenant {
        if let resolved = request.storage[ResolvedKey.self] { return resolved }
        let tenant = try await configured(for: request).resolve(request)
        request.storage[ResolvedKey.self] = tenant
        return tenant
    }
}
