import Fluent
import Foundation
import ParleyAccounts
import ParleyCore
import Vapor

/// Signing in to the panel with a form: `GET /admin/login`, `POST /admin/login`, and
/// `POST /admin/logout`. The sign-in form carries a token that must match a cookie set with the
/// form (double submit), so another site cannot sign a browser in to an account of its choosing.
/// The same account rules as the API apply (slow hashing, lockout, limits per address).
struct PanelLoginController: RouteCollection {
    static let loginCookie = "parley_login"

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped("admin").grouped(PanelErrorMiddleware())
        admin.get("login", use: form)
        admin.on(.POST, "login", body: .collect(maxSize: 16_384), use: signIn)
        admin.grouped(PanelAuthMiddleware()).on(.POST, "logout", body: .collect(maxSize: 4096), use: signOut)
    }

    struct LoginPage: Encodable {
        var loginToken: String
        var next: String
        var email: String
        var problem: String?
    }

    struct LoginForm: Decodable {
        var email: String
        var password: String
        var _login: String
        var next: String?
    }

    func form(_ request: Request) async throws -> Response {
        let next = Self.safeNext(request.query[String.self, at: "next"])
        if let cookie = request.cookies[AdminCallerMiddleware.cookieName]?.string,
           (try? await request.application.parley.adminSessions(on: request.db(.parley)).principal(for: cookie)) != nil {
            return request.redirect(to: next)
        }
        return try await page(request, next: next, email: "", problem: nil, status: .ok)
    }

    func signIn(_ request: Request) async throws -> Response {
        guard request.headers.contentType == .urlEncodedForm, let form = try? request.content.decode(LoginForm.self) else {
            throw ParleyError.badRequest("invalid_form", "Sign in with the form on this page.")
        }
        let next = Self.safeNext(form.next)
        guard let expected = request.cookies[Self.loginCookie]?.string, ConstantTime.equal(expected, form._login) else {
            return try await page(request, next: next, email: form.email, problem: "This form has expired. Please try again.", status: .forbidden)
        }
        let services = request.application.parley
        let user: AdminUser
        do {
            user = try await services.accounts(on: request.db(.parley)).signIn(email: form.email, password: form.password,
                                                                              clientAddress: ClientAddress.of(request) ?? "unknown")
        } catch let error as ParleyError where [ErrorKind.unauthenticated, .rateLimited, .invalidInput].contains(error.kind) {
            return try await page(request, next: next, email: form.email, problem: error.message, status: error.kind.httpStatus)
        }
        let issued = try await services.adminSessions(on: request.db(.parley)).open(for: user)
        let response = request.redirect(to: next, redirectType: .normal)
        response.cookies[AdminCallerMiddleware.cookieName] = AdminSessionController.cookie(issued.token, maxAge: Int(issued.expiresAt.timeIntervalSinceNow),
                                                                                          request: request)
        response.cookies[Self.loginCookie] = expiredLoginCookie(request)
        request.logger.info("admin signed in", metadata: ["event": "admin_signed_in", "admin_id": "\(user.id)"])
        return response
    }

    func signOut(_ request: Request) async throws -> Response {
        try PanelForm.requireToken(request)
        try await request.application.parley.adminSessions(on: request.db(.parley)).close(try request.adminPrincipal.session)
        let response = request.redirect(to: "/admin/login", redirectType: .normal)
        response.cookies[AdminCallerMiddleware.cookieName] = AdminSessionController.cookie("", maxAge: 0, request: request)
        return response
    }

    private func page(_ request: Request, next: String, email: String, problem: String?, status: HTTPResponseStatus) async throws -> Response {
        let token = KeyMaterial.randomKey(prefix: "", byteCount: 24)
        let view = try await request.view.render("login", LoginPage(loginToken: token, next: next, email: String(email.prefix(254)), problem: problem))
        let response = try await view.encodeResponse(status: status, for: request)
        PanelHeaders.apply(to: &response.headers)
        var cookie = AdminSessionController.cookie(token, maxAge: 3600, request: request)
        cookie.path = "/admin/login"
        response.cookies[Self.loginCookie] = cookie
        return response
    }

    private func expiredLoginCookie(_ request: Request) -> HTTPCookies.Value {
        var cookie = AdminSessionController.cookie("", maxAge: 0, request: request)
        cookie.path = "/admin/login"
        return cookie
    }

    /// Where to go after signing in: a panel path only, never another site (`//host`, `/\host`).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.count <= 512, next.hasPrefix("/admin"), !next.hasPrefix("//"), !next.contains("\\"),
              !next.contains("\r"), !next.contains("\n"), !next.hasPrefix("/admin/login") else { return "/admin" }
        return next
    }

    /// `?next=…` bringing a page request back after sign-in (GET pages only).
    static func nextQuery(for request: Request) -> String {
        guard request.method == .GET else { return "" }
        let target = request.url.path + (request.url.query.map { "?" + $0 } ?? "")
        guard safeNext(target) == target, let encoded = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) else { return "" }
        return "?next=" + encoded
    }
}
