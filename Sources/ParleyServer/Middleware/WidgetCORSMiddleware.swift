import Fluent
import Foundation
import NIOHTTP1
import ParleyCore
import Vapor

/// Cross-origin rules for what the widget calls (`/a/…`, `/api/consent…`): a page on another
/// origin may use a tenant's chat only when that origin is in the tenant's `allowed_origins`
/// setting (or `cors.allowed_origins` for every tenant). The check runs on the actual request,
/// before the handler, so a refused origin gets a 403 and nothing is written; a preflight
/// carries no tenant header, so it is answered for any origin and decides nothing.
/// Requests without an `Origin` (servers, curl) and same-origin pages are not affected.
///
/// Future-based (see `ParleyApp`): only a cross-origin request starts a task, to look its tenant up.
struct WidgetCORSMiddleware: Middleware {
    static let allowedHeaders = "Content-Type, X-Parley-Tenant, X-Parley-Session, X-Parley-Visitor, Last-Event-ID"

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        // The header first: Vapor rebuilds the path from its parsed URL on every read.
        guard let origin = request.headers.first(name: .origin), origin != Self.ownOrigin(request),
              case let path = request.url.path, path.hasPrefix("/a/") || path.hasPrefix("/api/consent") else {
            return next.respond(to: request)
        }
        guard WebOrigin.isWellFormed(origin) else {
            return request.eventLoop.makeSucceededFuture(Self.refuse())
        }
        if request.method == .OPTIONS, request.headers.first(name: .accessControlRequestMethod) != nil {
            let response = Response(status: .noContent)
            response.headers.replaceOrAdd(name: .accessControlAllowOrigin, value: origin)
            response.headers.replaceOrAdd(name: .accessControlAllowMethods, value: "GET, POST")
            response.headers.replaceOrAdd(name: .accessControlAllowHeaders, value: Self.allowedHeaders)
            response.headers.replaceOrAdd(name: .accessControlMaxAge, value: "600")
            response.headers.replaceOrAdd(name: .vary, value: "Origin")
            return request.eventLoop.makeSucceededFuture(response)
        }
        let services = request.application.parley
        let normalised = WebOrigin.normalised(origin)
        return request.eventLoop.makeFutureWithTask { () async -> Bool in
            guard let tenant = try? await TenantResolver.resolveOnce(request) else { return false }
            return Self.allowedOrigins(tenant: tenant, config: services.config).contains(where: { $0 == "*" || $0 == normalised })
        }.flatMap { allowed in
            guard allowed else { return request.eventLoop.makeSucceededFuture(Self.refuse()) }
            // Errors arrive as JSON responses (the error middleware runs inside this one), so the
            // page may read them too.
            return next.respond(to: request).map { response in
                response.headers.replaceOrAdd(name: .accessControlAllowOrigin, value: origin)
                response.headers.replaceOrAdd(name: .vary, value: "Origin")
                return response
            }
        }
    }

    static func allowedOrigins(tenant: Tenant, config: ParleyConfig) -> [String] {
        let own = tenant.settings["allowed_origins"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return (own + config.cors.allowedOrigins).map(WebOrigin.normalised)
    }

    /// The origin of the Parley server itself, as the browser names it (from the Host header).
    static func ownOrigin(_ request: Request) -> String? {
        guard let host = request.headers.first(name: .host) else { return nil }
        let scheme = request.headers.first(name: "X-Forwarded-Proto") ?? "http"
        return "\(scheme)://\(host)"
    }

    static func refuse() -> Response {
        let refusal = ParleyError(code: "origin_not_allowed", message: "This site may not embed this chat (its origin is not allowed).", kind: .forbidden)
        return ErrorBody(refusal).response(status: refusal.kind.httpStatus)
    }
}
