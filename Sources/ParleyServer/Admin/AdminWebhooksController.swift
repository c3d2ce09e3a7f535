import Fluent
import Foundation
import ParleyCore
import ParleyMail
import Vapor

/// A tenant's CRM webhooks, for its owners: `GET`/`POST /api/v1/admin/tenants/{slug}/webhooks`
/// (`{"url", "events"?}` → the endpoint and its signing secret, shown once),
/// `DELETE …/webhooks/{id}`, and `GET …/webhooks/{id}/deliveries?limit=` (each delivery's event,
/// status, attempts and the endpoint's last answer).
struct AdminWebhooksController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let webhooks = routes.grouped("api", "v1", "admin", "tenants", ":slug", "webhooks").grouped(AdminCallerMiddleware())
        webhooks.get(use: list)
        webhooks.on(.POST, body: .collect(maxSize: 4096), use: create)
        webhooks.delete(":id", use: delete)
        webhooks.get(":id", "deliveries", use: deliveries)
    }

    struct Endpoint: Content {
        var id: String
        var url: String
        var events: [String]
        var active: Bool
        var createdAt: Date

        init(_ endpoint: WebhookEndpoint) {
            id = endpoint.id.description
            url = endpoint.url
            events = endpoint.events.map(\.rawValue)
            active = endpoint.active
            createdAt = endpoint.createdAt
        }

        enum CodingKeys: String, CodingKey {
            case id, url, events, active
            case createdAt = "created_at"
        }
    }

    struct Listing: Content {
        var webhooks: [Endpoint]
    }

    struct Created: Content {
        var webhook: Endpoint
        /// The signing secret, shown this once.
        var secret: String
    }

    struct Body: Decodable {
        var url: String
        var events: [String]?
    }

    struct Delivery: Content {
        var id: String
        var event: String
        var status: String
        var attempts: Int
        var responseStatus: Int?
        var lastError: String?
        var createdAt: Date
        var deliveredAt: Date?

        init(_ delivery: WebhookDelivery) {
            id = delivery.id.description
            event = delivery.event.rawValue
            status = delivery.status.rawValue
            attempts = delivery.attempts
            responseStatus = delivery.responseStatus
            lastError = delivery.lastError
            createdAt = delivery.createdAt
            deliveredAt = delivery.deliveredAt
        }

        enum CodingKeys: String, CodingKey {
            case id, event, status, attempts
            case responseStatus = "response_status", lastError = "last_error", createdAt = "created_at", deliveredAt = "delivered_at"
        }
    }

    struct Deliveries: Content {
        var deliveries: [Delivery]
    }

    private func webhooks(_ request: Request) async throws -> TenantWebhooks {
        let (tenant, _) = try await request.adminTenant(needs: .owner)
        return request.application.parley.webhooks(of: tenant.id, on: request.db(.parley))
    }

    private func id(_ request: Request) throws -> WebhookID {
        guard let id = request.parameters.get("id").flatMap(WebhookID.init(string:)) else { throw TenantWebhooks.unknownEndpoint }
        return id
    }

    func list(_ request: Request) async throws -> Listing {
        Listing(webhooks: try await webhooks(request).list().map(Endpoint.init))
    }

    func create(_ request: Request) async throws -> Response {
        let webhooks = try await webhooks(request)
        let body = try AdminTenantsController.decode(Body.self, request, shape: #"{"url": "https://…", "events"?: ["lead.created", "lead.updated", "summary.created"]}"#)
        var events: [WebhookEvent] = []
        for name in body.events ?? [] {
            guard let event = WebhookEvent(rawValue: name) else {
                throw ParleyError.badRequest("invalid_event", "events may be \(WebhookEvent.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            events.append(event)
        }
        let (endpoint, secret) = try await webhooks.create(url: body.url, events: events)
        let response = Response(status: .created)
        try response.content.encode(Created(webhook: Endpoint(endpoint), secret: secret))
        return response
    }

    func delete(_ request: Request) async throws -> HTTPStatus {
        try await webhooks(request).delete(try id(request))
        return .noContent
    }

    func deliveries(_ request: Request) async throws -> Deliveries {
        let webhooks = try await webhooks(request)
        let limit = request.query[Int.self, at: "limit"] ?? 50
        guard (1 ... 200).contains(limit) else { throw ParleyError.badRequest("invalid_limit", "limit must be 1 to 200.") }
        return Deliveries(deliveries: try await webhooks.deliveries(try id(request), limit: limit).map(Delivery.init))
    }
}
