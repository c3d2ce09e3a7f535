import Foundation
import ParleyCore
import Vapor

/// `/admin/t/{slug}/console` (viewer): the operator console, a page that `console.js` fills from
/// the console's API (`ConsoleAPIController`) and keeps current with the tenant's live events:
/// the conversations waiting for a person and the live ones; one conversation's transcript with
/// who said what; take over, reply, notes, assign, hand back, close (operators).
struct PanelConsoleController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        PanelRoutes(routes).tenant.grouped(AdminTenantMiddleware(needs: .viewer)).get("console", use: page)
    }

    struct Page: Encodable {
        var slug: String
        var canAct: Bool
    }

    func page(_ request: Request) async throws -> Response {
        let (tenant, role) = try await request.adminTenant(needs: .viewer)
        let chrome = try await request.panelChrome(title: "Console", tenant: (tenant, role), section: "console")
        return try await request.panel("console", chrome, Page(slug: tenant.slug, canAct: role.includes(.operator)))
    }
}
