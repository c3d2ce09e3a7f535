import Fluent
import Foundation
import ParleyCore
import ParleyStore
import Vapor

/// `/admin/t/{slug}/emails[/{id}]` (viewer): the tenant's outgoing e-mails, newest first, with
/// their delivery status and attempts (the `outbox` driver's e-mails live only here), and one
/// e-mail's plain-text part.
struct PanelEmailsController: RouteCollection {
    static let listed = 100

    func boot(routes: any RoutesBuilder) throws {
        let reading = PanelRoutes(routes).tenant.grouped(AdminTenantMiddleware(needs: .viewer))
        reading.get("emails", use: list)
        reading.get("emails", ":id", use: show)
    }

    struct Row: Encodable {
        var id: String
        var time: String
        var to: String
        var subject: String
        var kind: String
        var status: String
        var attempts: Int
        var conversation: String?

        init(_ email: QueuedEmail) {
            id = email.id.description
            time = PanelFormat.time(email.createdAt)
            to = email.to
            subject = email.subject
            kind = (email.kind ?? "").replacingOccurrences(of: "_", with: " ")
            status = email.status
            attempts = email.attempts
            conversation = email.sessionID?.description
        }
    }

    struct List: Encodable {
        var slug: String
        var rows: [Row]
        var driver: String
    }

    struct Detail: Encodable {
        var slug: String
        var row: Row
        var text: String
    }

    func list(_ request: Request) async throws -> Response {
        let (tenant, role) = try await request.adminTenant(needs: .viewer)
        let emails = try await FluentEmailOutbox(database: request.db(.parley)).recent(tenant: tenant.id, limit: Self.listed)
        let content = List(slug: tenant.slug, rows: emails.map(Row.init), driver: request.application.parley.config.email.provider.rawValue)
        return try await request.panel("emails", try await request.panelChrome(title: "E-mails", tenant: (tenant, role), section: "emails"), content)
    }

    func show(_ request: Request) async throws -> Response {
        let (tenant, role) = try await request.adminTenant(needs: .viewer)
        let store = FluentEmailOutbox(database: request.db(.parley))
        guard let id = request.parameters.get("id").flatMap(EmailID.init(string:)), let email = try await store.email(tenant: tenant.id, id: id) else {
            throw ParleyError.notFound("unknown_email", "This tenant has no such e-mail.")
        }
        let row = Row(QueuedEmail(id: email.id, kind: email.email.kind, to: email.email.to, subject: email.email.subject, status: email.status.rawValue,
                                  attempts: email.attempts, sessionID: email.email.sessionID, createdAt: email.updatedAt ?? Date()))
        let content = Detail(slug: tenant.slug, row: row, text: email.email.text)
        return try await request.panel("email", try await request.panelChrome(title: email.email.subject, tenant: (tenant, role), section: "emails"), content)
    }
}
