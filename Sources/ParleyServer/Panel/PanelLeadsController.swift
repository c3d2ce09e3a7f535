import Fluent
import Foundation
import ParleyCore
import ParleyStore
import Vapor

/// `/admin/t/{slug}/leads` (viewer): the tenant's leads, most recently changed first, filtered
/// like the leads API (stage, search, reachable), with a CSV download of the same list.
struct PanelLeadsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        PanelRoutes(routes).tenant.grouped(AdminTenantMiddleware(needs: .viewer)).get("leads", use: list)
    }

    struct Row: Encodable {
        var conversation: String
        var updated: String
        var name: String
        var contact: String
        var company: String
        var stage: String
        var interests: String
    }

    struct Filters: Encodable {
        var stage: String
        var q: String
        var reachable: Bool
    }

    struct List: Encodable {
        var slug: String
        var rows: [Row]
        var filters: Filters
        var csv: String
        var nextQuery: String?
    }

    func list(_ request: Request) async throws -> Response {
        let (tenant, role) = try await request.adminTenant(needs: .viewer)
        let (filter, cursor, limit) = try LeadsController.query(request)
        let page = try await SQLLeadDirectory(database: request.db(.parley)).leads(tenant: tenant.id, filter: filter, after: cursor, limit: limit)
        let filters = Filters(stage: filter.stage?.rawValue ?? "", q: filter.search ?? "", reachable: filter.reachableOnly)
        var items: [URLQueryItem] = []
        if !filters.stage.isEmpty { items.append(URLQueryItem(name: "stage", value: filters.stage)) }
        if !filters.q.isEmpty { items.append(URLQueryItem(name: "q", value: filters.q)) }
        if filters.reachable { items.append(URLQueryItem(name: "reachable", value: "true")) }
        func query(_ extra: [URLQueryItem]) -> String {
            var components = URLComponents()
            components.queryItems = items + extra
            return components.percentEncodedQuery ?? ""
        }
        let next = page.count == limit ? page.last.map { query([URLQueryItem(name: "after", value: $0.cursor.token)]) } : nil
        let rows = page.map { listing in
            let lead = listing.lead
            return Row(conversation: listing.session.description, updated: PanelFormat.time(lead.updatedAt ?? listing.startedAt),
                       name: lead.name?.value ?? "", contact: [lead.email?.value, lead.phone?.value].compactMap { $0 }.joined(separator: " · "),
                       company: lead.fields[.company]?.value ?? "", stage: lead.stage.rawValue,
                       interests: lead.interests.map(\.value).joined(separator: ", "))
        }
        let content = List(slug: tenant.slug, rows: rows, filters: filters,
                           csv: "/api/v1/admin/tenants/\(tenant.slug)/leads?" + query([URLQueryItem(name: "format", value: "csv")]), nextQuery: next)
        return try await request.panel("leads", try await request.panelChrome(title: "Leads", tenant: (tenant, role), section: "leads"), content)
    }
}
