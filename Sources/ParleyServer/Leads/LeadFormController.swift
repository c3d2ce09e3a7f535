import Fluent
import Foundation
import ParleyChat
import ParleyCore
import ParleyLeads
import Vapor

/// The widget's lead form: `POST /a/{agent}/lead` with the conversation's session key (body or
/// `X-Parley-Session`) and `{"name"?, "email"?, "phone"?, "company"?, "note"?, "consent": true}`.
/// The values become the conversation's lead, confirmed; the sales team gets the summary by
/// e-mail. Counted like a chat turn against the visitor's limits, and refused without the chat
/// consent a tenant requires.
struct LeadFormController: RouteCollection {
    static let maxBodyBytes = 8 * 1024

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("a", ":agent").grouped(CallerMiddleware(credential: .widget))
            .on(.POST, "lead", body: .collect(maxSize: ByteCount(value: Self.maxBodyBytes)), use: submit)
    }

    struct Body: Decodable {
        var sessionKey: String?
        var name: String?
        var email: String?
        var phone: String?
        var company: String?
        var note: String?
        var consent: Bool?

        enum CodingKeys: String, CodingKey {
            case name, email, phone, company, note, consent
            case sessionKey = "session_key"
        }

        var values: [LeadProfile.Key: String] {
            var values: [LeadProfile.Key: String] = [:]
            values[.name] = name
            values[.email] = email
            values[.phone] = phone
            values[.company] = company
            values[.note] = note
            return values
        }
    }

    struct Accepted: Content {
        var stage: String
    }

    func submit(_ request: Request) async throws -> Response {
        let context = try request.tenantContext
        let agent = try context.requireAgent()
        let settings = context.leadSettings
        guard settings.formEnabled else {
            throw ParleyError(code: "lead_form_disabled", message: "This chat does not take contact details through a form.", kind: .forbidden)
        }
        let shape = #"{"session_key", "name"?, "email"?, "phone"?, "company"?, "note"?, "consent": true}"#
        try JSONRequestBody.requireJSON(request, message: "Send \(shape) as application/json.")
        let body = try JSONRequestBody.decode(Body.self, from: request, invalidMessage: "Send \(shape).")
        let form = LeadFormSubmission(values: body.values, consent: body.consent == true)
        _ = try LeadCapture.validated(form, allowed: settings.formFields)
        guard let key = body.sessionKey ?? request.headers.first(name: ChatController.sessionHeader), !key.isEmpty,
              let session = try await context.conversations.session(key: key, agent: agent.code) else {
            throw VisitorConversations.unknownSession
        }
        try await context.admitTurn(clientAddress: ClientAddress.of(request), sessionKey: key)
        try await context.consent.requireConsent(visitorHash: try? ConsentController.visitorHash(request))
        let lead = try await context.leadCapture.submit(form, allowed: settings.formFields, session: session.id, tenant: context.tenant.id)
        request.logger.info("lead form submitted", metadata: ["event": "lead_form", "stage": "\(lead.stage.rawValue)"])
        let response = try await Accepted(stage: lead.stage.rawValue).encodeResponse(for: request)
        response.status = .created
        return response
    }
}
