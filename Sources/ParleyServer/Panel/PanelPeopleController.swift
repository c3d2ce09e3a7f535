import Fluent
import Foundation
import ParleyAccounts
import ParleyCore
import Vapor

/// A tenant's people in the panel (owners): `/admin/t/{slug}/people` lists them and their roles,
/// adds someone by e-mail (an existing account gets the role; a new one gets a password typed
/// here or made up and shown once), and takes a role away. The same `AccountDirectory.add` as
/// the API's.
struct PanelPeopleController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let tenant = PanelRoutes(routes).tenant
        tenant.get("people", use: people)
        tenant.on(.POST, "people", body: .collect(maxSize: PanelRoutes.formBytes), use: add)
        tenant.on(.POST, "people", ":id", "remove", body: .collect(maxSize: PanelRoutes.formBytes), use: remove)
    }

    struct Person: Encodable {
        var id: String
        var name: String
        var email: String
        var role: String
        var isSelf: Bool
    }

    struct People: Encodable {
        var slug: String
        var people: [Person]
        var roles: [String]
        /// A made-up password of an account just created, shown this once.
        var generated: String?
        var generatedFor: String?
    }

    struct AddForm: Decodable {
        var email: String
        var role: String
        var display_name: String?
        var password: String?
        var generate: String?
    }

    func people(_ request: Request) async throws -> Response {
        try await render(request, generated: nil, problem: nil, status: .ok)
    }

    private func render(_ request: Request, generated: (email: String, password: String)?, problem: String?, status: HTTPResponseStatus) async throws -> Response {
        let (tenant, role) = try await request.adminTenant(needs: .owner)
        let me = try request.adminPrincipal.user.id
        let members = try await request.application.parley.accounts(on: request.db(.parley)).members(of: tenant.id)
        let page = People(slug: tenant.slug,
                          people: members.map { Person(id: $0.user.id.description, name: $0.user.displayName, email: $0.user.email,
                                                       role: $0.role.rawValue, isSelf: $0.user.id == me) },
                          roles: AdminRole.allCases.map(\.rawValue), generated: generated?.password, generatedFor: generated?.email)
        var chrome = try await request.panelChrome(title: "People", tenant: (tenant, role), section: "people")
        chrome.problem = problem
        return try await request.panel("people", chrome, page, status: status)
    }

    func add(_ request: Request) async throws -> Response {
        let (tenant, _) = try await request.adminTenant(needs: .owner)
        let form = try PanelForm.decode(AddForm.self, request)
        guard let role = AdminRole(rawValue: form.role) else {
            return try await render(request, generated: nil, problem: "Choose owner, operator or viewer.", status: .badRequest)
        }
        let added: AccountDirectory.Added
        do {
            added = try await request.application.parley.accounts(on: request.db(.parley))
                .add(email: form.email, role: role, to: tenant.id, displayName: form.display_name, password: form.password, generatePassword: form.generate != nil)
        } catch let error as ParleyError where error.kind == .invalidInput || error.kind == .conflict {
            return try await render(request, generated: nil, problem: error.message, status: error.kind.httpStatus)
        }
        if let password = added.generatedPassword {
            // Shown on this answer only: never in a redirect's address.
            return try await render(request, generated: (added.user.email, password), problem: nil, status: .created)
        }
        return request.redirect(to: "/admin/t/\(tenant.slug)/people?done=person_added")
    }

    func remove(_ request: Request) async throws -> Response {
        let (tenant, _) = try await request.adminTenant(needs: .owner)
        try PanelForm.requireToken(request)
        guard let id = request.parameters.get("id").flatMap(AdminUserID.init(string:)) else {
            throw ParleyError.notFound("unknown_admin", "This tenant has no such person.")
        }
        do {
            try await request.application.parley.accounts(on: request.db(.parley)).revoke(id, from: tenant.id, by: try request.adminPrincipal.user.id)
        } catch let error as ParleyError where error.kind == .conflict {
            return try await render(request, generated: nil, problem: error.message, status: .conflict)
        }
        return request.redirect(to: "/admin/t/\(tenant.slug)/people?done=person_removed")
    }
}
