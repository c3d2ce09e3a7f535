import Fluent
import Foundation
import ParleyAccounts
import ParleyCore
import ParleyStore
import Vapor

/// Signing in and out of the admin, and the signed-in user's own account:
/// `POST /api/v1/admin/session` `{"email", "password"}` → the session token, its CSRF token and
/// the user (the token also as an HttpOnly, SameSite=Strict cookie for the panel);
/// `DELETE /api/v1/admin/session` ends the session; `GET /api/v1/admin/me`;
/// `PUT /api/v1/admin/me/password` `{"current", "new"}` ends every session and opens a new one.
struct AdminSessionController: RouteCollection {
    static let maxBodyBytes = 4096

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped("api", "v1", "admin")
        admin.on(.POST, "session", body: .collect(maxSize: ByteCount(value: Self.maxBodyBytes)), use: signIn)
        let signedIn = admin.grouped(AdminCallerMiddleware())
        signedIn.delete("session", use: signOut)
        signedIn.get("me", use: me)
        signedIn.on(.PUT, "me", "password", body: .collect(maxSize: ByteCount(value: Self.maxBodyBytes)), use: changePassword)
    }

    struct SignInBody: Decodable {
        var email: String
        var password: String
    }

    struct PasswordBody: Decodable {
        var current: String
        var new: String
    }

    func signIn(_ request: Request) async throws -> Response {
        try JSONRequestBody.requireJSON(request, message: "Send {\"email\", \"password\"} as application/json.")
        let body = try JSONRequestBody.decode(SignInBody.self, from: request, invalidMessage: "Send {\"email\", \"password\"} as JSON strings.")
        let services = request.application.parley
        let client = ClientAddress.of(request) ?? "unknown"
        let user = try await services.accounts(on: request.db(.parley)).signIn(email: body.email, password: body.password, clientAddress: client)
        return try await issue(for: user, request: request, status: .ok)
    }

    func signOut(_ request: Request) async throws -> Response {
        let principal = try request.adminPrincipal
        try await request.application.parley.adminSessions(on: request.db(.parley)).close(principal.session)
        let response = Response(status: .noContent)
        response.cookies[AdminCallerMiddleware.cookieName] = Self.cookie("", maxAge: 0, request: request)
        return response
    }

    func me(_ request: Request) async throws -> AdminUserResponse {
        let principal = try request.adminPrincipal
        return try await AdminUserResponse(principal.user, memberships: principal.memberships,
                                           tenants: FluentTenantDirectory(database: request.db(.parley)))
    }

    func changePassword(_ request: Request) async throws -> Response {
        try JSONRequestBody.requireJSON(request, message: "Send {\"current\", \"new\"} as application/json.")
        let body = try JSONRequestBody.decode(PasswordBody.self, from: request, invalidMessage: "Send {\"current\", \"new\"} as JSON strings.")
        let principal = try request.adminPrincipal
        let services = request.application.parley
        let accounts = services.accounts(on: request.db(.parley))
        try await accounts.changePassword(of: principal.user.id, current: body.current, new: body.new)
        try await services.adminSessions(on: request.db(.parley)).closeAll(of: principal.user.id)
        guard let changed = try await accounts.user(principal.user.id) else { throw ParleyError.unauthorized("Sign in again.") }
        return try await issue(for: changed, request: request, status: .ok)
    }

    /// Opens a session and answers with its token (JSON and cookie).
    private func issue(for user: AdminUser, request: Request, status: HTTPResponseStatus) async throws -> Response {
        let services = request.application.parley
        let issued = try await services.adminSessions(on: request.db(.parley)).open(for: user)
        let memberships = try await services.accounts(on: request.db(.parley)).memberships(of: user.id)
        let body = SignedInResponse(token: issued.token, csrfToken: issued.csrfToken, expiresAt: issued.expiresAt,
                                    user: try await AdminUserResponse(user, memberships: memberships,
                                                                      tenants: FluentTenantDirectory(database: request.db(.parley))))
        let response = try await body.encodeResponse(status: status, for: request)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        response.cookies[AdminCallerMiddleware.cookieName] = Self.cookie(issued.token, maxAge: Int(issued.expiresAt.timeIntervalSinceNow), request: request)
        return response
    }

    /// The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page
    /// sends it), Secure when the request came over HTTPS (`admin.secure_cookies`).
    static func cookie(_ value: String, maxAge: Int, request: Request) -> HTTPCookies.Value {
        let config = request.application.parley.config
        let secure: Bool = switch config.admin.secureCookies {
        case .always: true
        case .never: false
        case .auto: config.limits.trustedProxyHops > 0 && request.headers.first(name: "X-Forwarded-Proto")?.lowercased() == "https"
        }
        return HTTPCookies.Value(string: value, maxAge: max(0, maxAge), path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .strict)
    }
}
