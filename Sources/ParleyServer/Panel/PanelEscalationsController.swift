import Fluent
import Foundation
import ParleyCore
import ParleyHandoff
import Vapor

/// `/admin/t/{slug}/escalations` (viewer): the conversations waiting for a person, oldest first,
/// with why each was handed over and the answer's confidence; each opens its transcript. The
/// operators close an escalation once a person has dealt with it; the console takes conversations over.
struct PanelEscalationsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let tenant = PanelRoutes(routes).tenant
        tenant.grouped(AdminTenantMiddleware(needs: .viewer)).get("escalations", use: list)
        tenant.grouped(AdminTenantMiddleware(needs: .operator)).on(.POST, "escalations", ":id", "close", body: .collect(maxSize: PanelRoutes.formBytes),
                                                                    use: close)
    }

    struct Row: Encodable {
        var id: String
        var conversation: String
        var since: String
        var reason: String
        var confidence: String?
    }

    struct List: Encodable {
        var slug: String
        var canClose: Bool
        var rows: [Row]
    }

    /// The inbox shows this many of the oldest open escalations.
    static let limit = 200

    func list(_ request: Request) async throws -> Response {
        let (tenant, role) = try await request.adminTenant(needs: .viewer)
        let open = try await request.application.parley.stores(on: request.db(.parley)).escalations.openEscalations(tenant: tenant.id, limit: Self.limit)
        let rows = open.map { escalation in
            Row(id: escalation.id.description, conversation: escalation.sessionID.description, since: PanelFormat.time(escalation.createdAt), reason: Self.label(escalation.reason),
                confidence: escalation.confidence.map { String(format: "%.2f", $0) })
        }
        let chrome = try await request.panelChrome(title: "Escalations", tenant: (tenant, role), section: "escalations")
        return try await request.panel("escalations", chrome, List(slug: tenant.slug, canClose: role.includes(.operator), rows: rows))
    }

    func close(_ request: Request) async throws -> Response {
        try PanelForm.requireToken(request)
        let (tenant, _) = try await request.adminTenant(needs: .operator)
        let escalations = request.application.parley.stores(on: request.db(.parley)).escalations
        guard let id = request.parameters.get("id").flatMap(EscalationID.init(string:)),
              let escalation = try await escalations.escalation(tenant: tenant.id, id: id), escalation.resolvedAt == nil else {
            throw ParleyError.notFound("unknown_escalation", "No open escalation has that id.")
        }
        // Through the operator's desk, so that the visitor's widget learns it too.
        try await request.tenantContext.operatorDesk(person: try ConsoleAPIController.person(request)).close(escalation.sessionID)
        return request.redirect(to: "/admin/t/\(tenant.slug)/escalations?done=escalation_closed")
    }

    static func label(_ reason: EscalationReason) -> String {
        switch reason {
        case .lowConfidence: "Unsure answer"
        case .visitorRequest: "Visitor asked for a person"
        case .agentDecision: "The agent handed it over"
        case .operatorTakeover: "Taken over by an operator"
        }
    }
}
