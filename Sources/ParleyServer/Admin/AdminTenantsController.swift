import Fluent
import Foundation
import ParleyAccounts
import ParleyChat
import ParleyCore
import ParleyStore
import Vapor

/// Tenants in the admin API:
/// `GET /api/v1/admin/tenants` the signed-in person's tenants; `POST` creates one (platform
/// administrator; the API key is shown once); `GET /tenants/{slug}` one with its settings
/// (viewer); `PATCH /tenants/{slug}` `{"active"}` (platform administrator);
/// `POST /tenants/{slug}/api-key` issues a new API key (owner);
/// `PATCH /tenants/{slug}/settings` `{"set": {key: value}, "unset": [key]}` (owner), all or nothing.
struct AdminTenantsController: RouteCollection {
    static let maxBodyBytes = 16_384

    func boot(routes: any RoutesBuilder) throws {
        let tenants = routes.grouped("api", "v1", "admin", "tenants").grouped(AdminCallerMiddleware())
        let body = ByteCount(value: Self.maxBodyBytes)
        tenants.get(use: list)
        tenants.on(.POST, body: .collect(maxSize: body), use: create)
        tenants.get(":slug", use: show)
        tenants.on(.PATCH, ":slug", body: .collect(maxSize: body), use: setActive)
        tenants.on(.POST, ":slug", "api-key", body: .collect(maxSize: body), use: rotateKey)
        tenants.on(.PATCH, ":slug", "settings", body: .collect(maxSize: body), use: editSettings)
        tenants.get(":slug", "usage", use: usage)
    }

    struct CreateBody: Decodable {
        var name: String
        var slug: String
    }

    struct ActiveBody: Decodable {
        var active: Bool
    }

    struct SettingsBody: Decodable {
        var set: [String: JSONValue]?
        var unset: [String]?
    }

    func list(_ request: Request) async throws -> AdminTenantList {
        let access = AdminAccess(try request.adminPrincipal)
        let tenants = try await access.tenants(in: FluentTenantDirectory(database: request.db(.parley)))
        return AdminTenantList(tenants: tenants.map { AdminTenantResponse($0.0, role: $0.1, withSettings: false) })
    }

    func create(_ request: Request) async throws -> Response {
        try AdminAccess(try request.adminPrincipal).requirePlatformAdmin()
        let body = try Self.decode(CreateBody.self, request, shape: #"{"name", "slug"}"#)
        let created = try await provisioner(request).createTenant(name: body.name, slug: body.slug)
        let response = try await CreatedTenantResponse(tenant: AdminTenantResponse(created.tenant, role: .owner, withSettings: true),
                                                       apiKey: created.apiKey).encodeResponse(status: .created, for: request)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    func show(_ request: Request) async throws -> AdminTenantResponse {
        let (tenant, role) = try await request.adminTenant(needs: .viewer)
        return AdminTenantResponse(tenant, role: role, withSettings: true)
    }

    func setActive(_ request: Request) async throws -> AdminTenantResponse {
        let (tenant, _) = try await request.adminTenant(needs: .viewer)
        try AdminAccess(try request.adminPrincipal).requirePlatformAdmin()
        let body = try Self.decode(ActiveBody.self, request, shape: #"{"active": true | false}"#)
        try await FluentTenantDirectory(database: request.db(.parley)).setActive(tenant.id, body.active)
        var changed = tenant
        changed.isActive = body.active
        request.logger.notice("tenant switched", metadata: ["event": "tenant_active_changed", "tenant": "\(tenant.slug)", "active": "\(body.active)"])
        return AdminTenantResponse(changed, role: .owner, withSettings: true)
    }

    func rotateKey(_ request: Request) async throws -> Response {
        let (tenant, _) = try await request.adminTenant(needs: .owner)
        let rotated = try await provisioner(request).rotateAPIKey(slug: tenant.slug)
        let response = try await CreatedTenantResponse(tenant: AdminTenantResponse(rotated.tenant, role: .owner, withSettings: false),
                                                       apiKey: rotated.apiKey).encodeResponse(for: request)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    func editSettings(_ request: Request) async throws -> AdminTenantResponse {
        let (tenant, role) = try await request.adminTenant(needs: .owner)
        let body = try Self.decode(SettingsBody.self, request, shape: #"{"set": {"key": "value"}, "unset": ["key"]}"#)
        let assignments = try (body.set ?? [:]).sorted { $0.key < $1.key }.map { key, value in "\(key)=\(try Self.settingText(value, key: key))" }
        let changed = try await provisioner(request).editSettings(slug: tenant.slug, assignments: assignments, removals: body.unset ?? [])
        return AdminTenantResponse(changed, role: role, withSettings: true)
    }

    struct Usage: Content {
        var monthStart: Date
        var spent: Double
        var budget: Double?
        var state: String

        enum CodingKeys: String, CodingKey {
            case spent, budget, state
            case monthStart = "month_start"
        }
    }

    /// The month-to-date LLM cost against the tenant's budget (viewer).
    func usage(_ request: Request) async throws -> Usage {
        let (tenant, _) = try await request.adminTenant(needs: .viewer)
        let spending = try await request.monthSpending(tenant)
        return Usage(monthStart: spending.month, spent: spending.spent, budget: spending.budget.isSet ? spending.budget.monthlyLimit : nil,
                     state: spending.state.rawValue)
    }

    // MARK: - Helpers

    private func provisioner(_ request: Request) -> TenantProvisioner {
        request.application.parley.provisioner(request.application.parley.stores(on: request.db(.parley)))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, shape: String) throws -> T {
        try JSONRequestBody.requireJSON(request, message: "Send \(shape) as application/json.")
        return try JSONRequestBody.decode(T.self, from: request, invalidMessage: "Send \(shape) as JSON.")
    }

    /// A setting's JSON value as the settings editor's `key=value` text.
    static func settingText(_ value: JSONValue, key: String) throws -> String {
        switch value {
        case let .string(text): return text
        case let .bool(flag): return flag ? "true" : "false"
        case let .number(number) where number == number.rounded() && abs(number) < 1e15: return String(Int64(number))
        case .array:
            return String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        default:
            throw ParleyError.badRequest("invalid_setting", "\(String(key.prefix(60))): give a string, a number, true or false, or a list.")
        }
    }
}
