import Fluent
import Foundation
import ParleyCore
import Vapor

/// `/admin/t/{slug}/escalations` (viewer): the conversations waiting for a person, oldest first,
/// with why each was handed over and the answer's confidence; each opens its transcript. The
/// first piece of the operator console (issue 18): taking over and replying come next.
struct PanelEscalationsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        PanelRoutes(routes).tenant.grouped(AdminTenantMiddleware(needs: .viewer)).get("escalations", use: list)
    }

    struct Row: Encodable {
        var conversation: String
        var since: String
        var reason: String
        var confidence: String?
    }

    struct List: Encodable {
        var slug: String
        var rows: [Row]
    }

    /// The inbox shows this many of the oldest open escalations.
    static let limit = 200

    func list(_ request: Request) async throws -> Response {
        let (tenant, role) = try await request.adminTenant(needs: .viewer)
        let open = try await request.application.parley.stores(on: request.db(.parley)).escalations.openEscalations(tenant: tenant.id, limit: Self.limit)
        let rows = open.map { escalation in
            Row(conversation: escalation.sessionID.description, since: PanelFormat.time(escalation.createdAt), reason: Self.label(escalation.reason),
                confidence: escalation.confidence.map { String(format: "%.2f", $0) })
        }
        let chrome = try await request.panelChrome(title: "Escalations", tenant: (tenant, role), section: "escalations")
        return try await request.panel("escalations", chrome, List(slug: tenant.slug, rows: rows))
    }

    static func label(_ reason: EscalationReason) -> String {
        switch reason {
        case .lowConfidence: "Unsure answer"
        case .visitorRequest: "Visitor asked for a person"
        case .agentDecision: "The agent handed it over"
        }
    }
}
