import Fluent
import Foundation
import ParleyCore
import ParleyMail
import ParleyStore
import Vapor

/// `POST /webhooks/mailgun`: Mailgun's delivery events (JSON webhooks) move an e-mail to
/// `delivered`, `bounced`, `failed` or `complained`. Served only with
/// `MAILGUN_WEBHOOK_SIGNING_KEY` (404 otherwise). A bad signature is 401, a stale timestamp 401,
/// a token seen before 409; an event for a message Parley never sent is acknowledged (200,
/// `unknown_message`) so that Mailgun stops retrying it.
struct MailgunWebhookController: RouteCollection {
    static let maxBodyBytes = 64 * 1024

    func boot(routes: any RoutesBuilder) throws {
        routes.on(.POST, "webhooks", "mailgun", body: .collect(maxSize: ByteCount(value: Self.maxBodyBytes)), use: receive)
    }

    struct Body: Decodable {
        struct Signature: Decodable {
            var timestamp: String
            var token: String
            var signature: String
        }

        var signature: Signature
        var eventData: JSONValue

        enum CodingKeys: String, CodingKey {
            case signature
            case eventData = "event-data"
        }
    }

    struct Accepted: Content {
        var status: String
    }

    func receive(_ request: Request) async throws -> Accepted {
        let services = request.application.parley
        guard let verifier = services.mailgunWebhooks else {
            throw ParleyError.notFound("not_found", "No route for POST /webhooks/mailgun.")
        }
        let shape = #"Mailgun's JSON webhook: {"signature": {"timestamp", "token", "signature"}, "event-data": {…}}"#
        try JSONRequestBody.requireJSON(request, message: "Send \(shape) as application/json.")
        let body = try JSONRequestBody.decode(Body.self, from: request, invalidMessage: "Send \(shape).")
        do {
            try await verifier.verify(timestamp: body.signature.timestamp, token: body.signature.token, signature: body.signature.signature)
        } catch .badSignature {
            throw ParleyError(code: "invalid_signature", message: "The webhook's signature does not match the signing key.", kind: .unauthenticated)
        } catch .stale {
            throw ParleyError(code: "stale_signature", message: "The webhook's timestamp is too old (or in the future).", kind: .unauthenticated)
        } catch .replayed {
            throw ParleyError(code: "replayed_webhook", message: "This webhook's token was already used.", kind: .conflict)
        }
        guard let event = MailgunEvent(eventData: body.eventData) else {
            throw ParleyError.badRequest("invalid_event", "event-data needs an event and message.headers.message-id.")
        }
        guard let status = event.status else { return Accepted(status: "ignored") }
        let known = try await FluentEmailOutbox(database: request.db(.parley))
            .applyProviderEvent(providerMessageID: event.messageID, status: status, detail: event.detail, at: Date())
        // Another system's message on the same domain: acknowledged, so that Mailgun stops retrying.
        guard known else { return Accepted(status: "unknown_message") }
        request.logger.info("mailgun event", metadata: ["event": "email_event", "status": "\(status.rawValue)"])
        return Accepted(status: status.rawValue)
    }
}
