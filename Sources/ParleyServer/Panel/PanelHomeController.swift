import Fluent
import Foundation
import ParleyAccounts
import ParleyCore
import ParleyIngest
import ParleyStore
import Vapor

/// The panel's first pages: `/admin` (the person's tenants), `/admin/switch` (the tenant menu
/// without script), `/admin/t/{slug}` (a tenant's overview: this month's spending and budget,
/// its knowledge base, its newest conversations, the widget tag), and the static files.
struct PanelHomeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("admin", "assets", ":file", use: asset)
        let panel = PanelRoutes(routes)
        panel.signedIn.get(use: home)
        panel.signedIn.get("switch", use: switchTenant)
        panel.tenant.get(use: overview)
    }

    struct TenantRow: Encodable {
        var slug: String
        var name: String
        var role: String
        var active: Bool
    }

    struct Home: Encodable {
        var tenants: [TenantRow]
    }

    struct Overview: Encodable {
        var slug: String
        var name: String
        var active: Bool
        var spent: String
        var budget: String?
        var budgetState: String
        var sources: Int
        var failedSources: Int
        var chunks: Int
        var recent: [PanelConversationsController.Row]
        var widgetTag: String
    }

    func home(_ request: Request) async throws -> Response {
        let reachable = try await AdminAccess(try request.adminPrincipal).tenants(in: FluentTenantDirectory(database: request.db(.parley)))
        if reachable.count == 1, let only = reachable.first, !(try request.adminPrincipal.user.isPlatformAdmin) {
            return request.redirect(to: "/admin/t/\(only.0.slug)")
        }
        let rows = reachable.map { TenantRow(slug: $0.0.slug, name: $0.0.name, role: $0.1.rawValue, active: $0.0.isActive) }
        return try await request.panel("home", try await request.panelChrome(title: "Your tenants"), Home(tenants: rows))
    }

    func switchTenant(_ request: Request) async throws -> Response {
        request.redirect(to: PanelLoginController.safeNext(request.query[String.self, at: "to"]))
    }

    func overview(_ request: Request) async throws -> Response {
        let (tenant, role) = try await request.adminTenant(needs: .viewer)
        let database = request.db(.parley)
        let spending = try await request.monthSpending(tenant)
        let sources = try await FluentKnowledgeStore(database: database).sources(tenant: tenant.id)
        let recent = try await SQLConversationReview(database: database).conversations(tenant: tenant.id, filter: ConversationFilter(), after: nil, limit: 5)
        let host = request.headers.first(name: .host) ?? "localhost"
        let page = Overview(
            slug: tenant.slug, name: tenant.name, active: tenant.isActive, spent: PanelFormat.money(spending.spent),
            budget: spending.budget.isSet ? PanelFormat.money(spending.budget.monthlyLimit) : nil, budgetState: spending.state.rawValue,
            sources: sources.count, failedSources: sources.filter { $0.status == .failed }.count,
            chunks: sources.map(\.chunkCount).reduce(0, +), recent: recent.map(PanelConversationsController.Row.init),
            widgetTag: "<script src=\"//\(host)/widget.js\" data-tenant=\"\(tenant.widgetKey)\" async></script>")
        return try await request.panel("overview", try await request.panelChrome(title: tenant.name, tenant: (tenant, role)), page)
    }

    func asset(_ request: Request) async throws -> Response {
        guard let assets = request.application.storage[PanelViews.AssetsKey.self],
              let asset = assets.files[request.parameters.get("file") ?? ""] else { throw Abort(.notFound) }
        if request.headers.first(name: .ifNoneMatch) == asset.etag { return Response(status: .notModified) }
        var headers = HTTPHeaders()
        headers.contentType = asset.type
        headers.replaceOrAdd(name: .eTag, value: asset.etag)
        headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return Response(status: .ok, headers: headers, body: .init(string: asset.body))
    }
}
