import Fluent
import Foundation
import ParleyCore
import ParleyLeads
import ParleyStore
import Vapor

/// On-demand summaries: `POST /api/v1/admin/tenants/{slug}/conversations/{id}/summary`
/// (operators and up) writes the conversation's summary now and, with `{"email": true}`, e-mails
/// it with the lead and the transcript to the tenant's sales recipients. The newest summary and
/// the conversation's e-mails are part of the transcript (`GET …/conversations/{id}`).
struct AdminSummariesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("api", "v1", "admin", "tenants", ":slug", "conversations", ":id", "summary")
            .grouped(AdminCallerMiddleware())
            .on(.POST, body: .collect(maxSize: 1024), use: summarize)
    }

    struct Body: Decodable {
        var email: Bool?
    }

    struct Created: Content {
        var summary: SummaryDTO
        var emailedTo: [String]

        enum CodingKeys: String, CodingKey {
            case summary
            case emailedTo = "emailed_to"
        }
    }

    func summarize(_ request: Request) async throws -> Response {
        let (tenant, _) = try await request.adminTenant(needs: .operator)
        // An empty body asks for a summary without an e-mail.
        let body = request.body.data.map { $0.readableBytes > 0 } == true
            ? try AdminTenantsController.decode(Body.self, request, shape: #"{"email": true|false}"#) : Body()
        guard let id = request.parameters.get("id").flatMap(SessionID.init(string:)) else {
            throw ParleyError.notFound("unknown_conversation", "This tenant has no such conversation.")
        }
        let outcome = try await request.application.parley.summaries(on: request.db(.parley))
            .summarize(session: id, tenant: tenant.id, trigger: .onDemand, mailing: body.email == true ? .always : .never, logger: request.logger)
        let response = Response(status: .created)
        try response.content.encode(Created(summary: SummaryDTO(outcome.summary), emailedTo: outcome.emailed))
        return response
    }
}

/// A summary as the admin API shows it.
struct SummaryDTO: Content {
    var id: String
    var text: String
    var trigger: String
    var method: String
    var createdAt: Date

    init(_ summary: ConversationSummary) {
        id = summary.id.description
        text = summary.text
        trigger = summary.trigger.rawValue
        method = summary.method
        createdAt = summary.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, text, trigger, method
        case createdAt = "created_at"
    }
}

/// An e-mail as the admin API shows it (never its body: it holds the visitor's words, which
/// the transcript already shows to those allowed to read them).
struct EmailDTO: Content {
    var id: String
    var kind: String?
    var to: String
    var subject: String
    var status: String
    var attempts: Int
    var createdAt: Date

    init(_ email: QueuedEmail) {
        id = email.id.description
        kind = email.kind
        to = email.to
        subject = email.subject
        status = email.status
        attempts = email.attempts
        createdAt = email.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, to, subject, status, attempts
        case createdAt = "created_at"
    }
}
