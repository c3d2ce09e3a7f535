import Fluent
import Foundation
import Logging
import ParleyAccounts
import ParleyChat
import ParleyCore
import ParleyStore
import Vapor

/// The platform administrator's pages: `/admin/platform` (every tenant: create one, switch one
/// off or on, give it a new API key, shown once), `/admin/platform/config` (the settings in
/// effect, secrets as set or unset, a parley.yaml download) and `/admin/platform/logs` (the
/// newest log lines by level and text).
struct PanelPlatformController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let platform = PanelRoutes(routes).signedIn.grouped("platform")
        platform.get(use: tenants)
        platform.on(.POST, "tenants", body: .collect(maxSize: PanelRoutes.formBytes), use: create)
        platform.on(.POST, "tenants", ":slug", "active", body: .collect(maxSize: PanelRoutes.formBytes), use: setActive)
        platform.on(.POST, "tenants", ":slug", "key", body: .collect(maxSize: PanelRoutes.formBytes), use: rotateKey)
        platform.get("config", use: configuration)
        platform.get("logs", use: logs)
    }

    struct TenantRow: Encodable {
        var slug: String
        var name: String
        var active: Bool
        var created: String
    }

    struct Tenants: Encodable {
        var tenants: [TenantRow]
        var newKey: String?
        var newKeyFor: String?
    }

    struct CreateForm: Decodable {
        var name: String
        var slug: String
    }

    struct ActiveForm: Decodable {
        var active: String
    }

    struct Line: Encodable {
        var time: String
        var level: String
        var message: String
        var details: String
    }

    struct Logs: Encodable {
        var level: String
        var query: String
        var levels: [String]
        var lines: [Line]
        var path: String
    }

    func tenants(_ request: Request) async throws -> Response {
        try await renderTenants(request, key: nil, problem: nil, status: .ok)
    }

    private func renderTenants(_ request: Request, key: (slug: String, key: String)?, problem: String?, status: HTTPResponseStatus) async throws -> Response {
        try AdminAccess(try request.adminPrincipal).requirePlatformAdmin()
        let all = try await FluentTenantDirectory(database: request.db(.parley)).allTenants()
        var chrome = try await request.panelChrome(title: "Platform")
        chrome.problem = problem
        let page = Tenants(tenants: all.map { TenantRow(slug: $0.slug, name: $0.name, active: $0.isActive, created: PanelFormat.time($0.createdAt)) },
                           newKey: key?.key, newKeyFor: key?.slug)
        return try await request.panel("platform", chrome, page, status: status)
    }

    func create(_ request: Request) async throws -> Response {
        try AdminAccess(try request.adminPrincipal).requirePlatformAdmin()
        let form = try PanelForm.decode(CreateForm.self, request)
        do {
            let created = try await provisioner(request).createTenant(name: form.name, slug: form.slug)
            return try await renderTenants(request, key: (created.tenant.slug, created.apiKey), problem: nil, status: .created)
        } catch let error as ParleyError where error.kind == .invalidInput || error.kind == .conflict {
            return try await renderTenants(request, key: nil, problem: error.message, status: error.kind.httpStatus)
        }
    }

    func setActive(_ request: Request) async throws -> Response {
        try AdminAccess(try request.adminPrincipal).requirePlatformAdmin()
        let form = try PanelForm.decode(ActiveForm.self, request)
        let directory = FluentTenantDirectory(database: request.db(.parley))
        guard let tenant = try await directory.tenant(slug: request.parameters.get("slug") ?? "") else { throw ParleyError.unknownTenant }
        try await directory.setActive(tenant.id, form.active == "true")
        request.logger.notice("tenant switched", metadata: ["event": "tenant_active_changed", "tenant": "\(tenant.slug)", "active": "\(form.active == "true")"])
        return request.redirect(to: "/admin/platform?done=tenant_saved")
    }

    func rotateKey(_ request: Request) async throws -> Response {
        try AdminAccess(try request.adminPrincipal).requirePlatformAdmin()
        try PanelForm.requireToken(request)
        let rotated = try await provisioner(request).rotateAPIKey(slug: request.parameters.get("slug") ?? "")
        return try await renderTenants(request, key: (rotated.tenant.slug, rotated.apiKey), problem: nil, status: .ok)
    }

    func configuration(_ request: Request) async throws -> Response {
        try AdminAccess(try request.adminPrincipal).requirePlatformAdmin()
        let services = request.application.parley
        let view = ConfigurationView(config: services.config, secrets: services.secrets)
        return try await request.panel("config", try await request.panelChrome(title: "Configuration"),
                                       AdminOperationsController.ConfigurationResponse(
                                           yaml: try view.yaml(), secrets: view.secrets.map { .init(name: $0.name, set: $0.isSet) }))
    }

    func logs(_ request: Request) async throws -> Response {
        try AdminAccess(try request.adminPrincipal).requirePlatformAdmin()
        let level = request.query[String.self, at: "level"] ?? "", query = request.query[String.self, at: "q"] ?? ""
        let filter = try AdminOperationsController.filter(level: level, text: query, limit: "200")
        let path = request.application.parley.config.logging.path
        let lines = try await LogTail(path: path).lines(filter).map { object -> Line in
            var details: [String] = []
            if case let .object(fields) = object {
                for (key, value) in fields.sorted(by: { $0.key < $1.key }) where !["timestamp", "level", "message", "logger"].contains(key) {
                    details.append("\(key)=\(value.stringValue ?? value.jsonString)")
                }
            }
            return Line(time: object["timestamp"]?.stringValue ?? "", level: object["level"]?.stringValue ?? "",
                        message: object["message"]?.stringValue ?? "", details: details.joined(separator: " "))
        }
        let page = Logs(level: level, query: query, levels: ["trace", "debug", "info", "notice", "warning", "error", "critical"], lines: lines, path: path)
        return try await request.panel("logs", try await request.panelChrome(title: "Log"), page)
    }

    private func provisioner(_ request: Request) -> TenantProvisioner {
        request.application.parley.provisioner(request.application.parley.stores(on: request.db(.parley)))
    }
}
