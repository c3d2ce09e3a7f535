import Fluent
import LeafKit
import ParleyAccounts
import ParleyCore
import Vapor

/// The panel's caller: the `parley_admin` cookie only (the panel is a browser's). Without a
/// valid session a page redirects to the sign-in form, which brings the person back afterwards.
/// CSRF is checked by `PanelForm` when a form is read, after its body has arrived.
struct PanelAuthMiddleware: SameTaskMiddleware {
    /// For the panel's own scripts (the operator console): 401 in JSON instead of the redirect.
    var answersJSON = false

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let cookie = request.cookies[AdminCallerMiddleware.cookieName]?.string,
              let principal = try? await request.application.parley.adminSessions(on: request.db(.parley)).principal(for: cookie)
        else {
            if answersJSON { throw ParleyError.unauthorized("Sign in to the panel again.") }
            return request.redirect(to: "/admin/login" + PanelLoginController.nextQuery(for: request), redirectType: .normal)
        }
        request.logger[metadataKey: "admin_id"] = .string(principal.user.id.description)
        request.storage[AdminCallerMiddleware.PrincipalKey.self] = principal
        return try await next.respond(to: request)
    }
}

/// Errors on panel pages as a page, not JSON: the same codes and messages as the API, with the
/// same statuses (404 for another tenant's things), and links back.
struct PanelErrorMiddleware: SameTaskMiddleware {
    struct Problem: Encodable {
        var status: Int
        var code: String
        var message: String
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            // A template error names the template and the key, never request data: worth logging.
            let mapped = JSONErrorMiddleware.mapAndLog(error, request, extra: (error as? LeafError).map { ["template_error": "\($0)"] } ?? [:])
            let status = mapped.kind.httpStatus
            let problem = Problem(status: Int(status.code), code: mapped.code, message: mapped.message)
            let chrome = try? await request.panelChrome(title: "Something went wrong")
            if let chrome, let response = try? await request.panel("error", chrome, problem, status: status) { return response }
            // Without a session (or if the error page itself fails) the plain page still says what happened.
            let response = Response(status: status, body: .init(string: "\(problem.message) (\(problem.code))"))
            response.headers.contentType = .plainText
            PanelHeaders.apply(to: &response.headers)
            return response
        }
    }
}
