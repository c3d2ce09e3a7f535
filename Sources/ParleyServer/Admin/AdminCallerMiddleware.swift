import Fluent
import ParleyAccounts
import ParleyCore
import Vapor

/// Resolves the admin user a request acts as, once, for the admin route group: from
/// `Authorization: Bearer <session token>` (API clients) or the `parley_admin` cookie (the
/// panel). A cookie is sent by the browser on its own, so a state-changing request that
/// authenticates by cookie must also carry the session's CSRF token (`X-CSRF-Token`, or the
/// `_csrf` field of a form); a bearer token is never sent by the browser unasked, and needs none.
struct AdminCallerMiddleware: SameTaskMiddleware {
    static let cookieName = "parley_admin"
    static let csrfHeader = "X-CSRF-Token"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let sessions = request.application.parley.adminSessions(on: request.db(.parley))
        let principal: AdminSessions.Principal
        if let bearer = request.headers.bearerAuthorization?.token {
            if let automationKey = request.application.parley.secrets.adminAPIKey, ConstantTime.equal(bearer, automationKey) {
                principal = .automation
            } else {
                principal = try await sessions.principal(for: bearer)
            }
        } else if let cookie = request.cookies[Self.cookieName]?.string {
            principal = try await sessions.principal(for: cookie)
            if ![.GET, .HEAD, .OPTIONS].contains(request.method) {
                let sent = request.headers.first(name: Self.csrfHeader) ?? (try? request.content.get(String.self, at: "_csrf"))
                guard let sent, ConstantTime.equal(sent, principal.csrfToken) else {
                    throw ParleyError(code: "csrf_failed", message: "This form has expired. Reload the page and try again.", kind: .forbidden)
                }
            }
        } else {
            throw ParleyError(code: "session_invalid", message: "Sign in to continue.", kind: .unauthenticated)
        }
        request.logger[metadataKey: "admin_id"] = .string(principal.user.id.description)
        request.storage[PrincipalKey.self] = principal
        return try await next.respond(to: request)
    }

    struct PrincipalKey: StorageKey {
        typealias Value = AdminSessions.Principal
    }
}

extension Request {
    /// The admin user `AdminCallerMiddleware` resolved.
    var adminPrincipal: AdminSessions.Principal {
        get throws {
            guard let principal = storage[AdminCallerMiddleware.PrincipalKey.self] else {
                throw ParleyError.internalFailure("The admin route has no caller middleware.")
            }
            return principal
        }
    }
}
