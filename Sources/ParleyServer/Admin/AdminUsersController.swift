import Fluent
import Foundation
import ParleyAccounts
import ParleyCore
import ParleyStore
import Vapor

/// The people of one tenant (owner only):
/// `GET /api/v1/admin/tenants/{slug}/users`;
/// `POST …/users` `{"email", "role", "display_name"?, "password"? | "generate_password"?}` gives an
/// existing account the role, or creates the account (its password set, or made up and shown once);
/// `DELETE …/users/{id}` takes the role away.
struct AdminUsersController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let users = routes.grouped("api", "v1", "admin", "tenants", ":slug", "users").grouped(AdminCallerMiddleware())
        users.get(use: list)
        users.on(.POST, body: .collect(maxSize: ByteCount(value: AdminTenantsController.maxBodyBytes)), use: add)
        users.delete(":id", use: remove)
    }

    struct AddBody: Decodable {
        var email: String
        var role: AdminRole
        var displayName: String?
        var password: String?
        var generatePassword: Bool?

        enum CodingKeys: String, CodingKey {
            case email, role, password
            case displayName = "display_name", generatePassword = "generate_password"
        }
    }

    struct Member: Content {
        var id: String
        var email: String
        var displayName: String
        var role: String
        var password: String?

        enum CodingKeys: String, CodingKey {
            case id, email, role, password
            case displayName = "display_name"
        }
    }

    struct MemberList: Content {
        var users: [Member]
    }

    func list(_ request: Request) async throws -> MemberList {
        let tenant = try await owned(request)
        let members = try await accounts(request).members(of: tenant.id)
        return MemberList(users: members.map { Member(id: $0.user.id.description, email: $0.user.email, displayName: $0.user.displayName, role: $0.role.rawValue) })
    }

    func add(_ request: Request) async throws -> Response {
        let tenant = try await owned(request)
        let body = try AdminTenantsController.decode(AddBody.self, request,
                                                     shape: #"{"email", "role": "owner" | "operator" | "viewer", "display_name"?, "password"? or "generate_password": true}"#)
        let added = try await accounts(request).add(email: body.email, role: body.role, to: tenant.id, displayName: body.displayName,
                                                    password: body.password, generatePassword: body.generatePassword == true)
        let response = try await Member(id: added.user.id.description, email: added.user.email, displayName: added.user.displayName,
                                        role: body.role.rawValue, password: added.generatedPassword)
            .encodeResponse(status: added.created ? .created : .ok, for: request)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    func remove(_ request: Request) async throws -> Response {
        let tenant = try await owned(request)
        guard let id = request.parameters.get("id").flatMap(AdminUserID.init(string:)) else {
            throw ParleyError.notFound("unknown_admin", "This tenant has no such person.")
        }
        try await accounts(request).revoke(id, from: tenant.id, by: try request.adminPrincipal.user.id)
        return Response(status: .noContent)
    }

    private func owned(_ request: Request) async throws -> Tenant {
        try await request.adminTenant(needs: .owner).0
    }

    private func accounts(_ request: Request) -> AccountDirectory {
        request.application.parley.accounts(on: request.db(.parley))
    }
}
