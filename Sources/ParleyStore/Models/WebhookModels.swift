import FluentKit
import Foundation

/// Row of `webhook_endpoints`: where a tenant's events go, with the sealed signing secret.
final class WebhookEndpointModel: Model, @unchecked Sendable {
    static let schema = "webhook_endpoints"

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "url") var url: String
    @Field(key: "events") var events: String
    @Field(key: "secret_sealed") var secretSealed: String
    @Field(key: "active") var active: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// Row of `webhook_deliveries`: one event for one endpoint and how delivering it went.
final class WebhookDeliveryModel: Model, @unchecked Sendable {
    static let schema = "webhook_deliveries"

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "endpoint_id") var endpointID: UUID
    @Field(key: "event") var event: String
    @Field(key: "body") var body: String
    @Field(key: "status") var status: String
    @Field(key: "attempts") var attempts: Int
    @OptionalField(key: "response_status") var responseStatus: Int?
    @OptionalField(key: "last_error") var lastError: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "delivered_at") var deliveredAt: Date?

    init() {}
}
