import FluentKit

/// `webhook_endpoints` and `webhook_deliveries`: each tenant's CRM hand-off and its log.
struct CreateWebhookTables: AsyncMigration {
    var name: String { "018_create_webhook_tables" }

    func prepare(on database: any Database) async throws {
        let tenant = DatabaseSchema.FieldConstraint.references(TenantModel.schema, .id, onDelete: .cascade)
        try await database.schema(WebhookEndpointModel.schema)
            .id()
            .field("tenant_id", .uuid, .required, tenant)
            .field("url", .string, .required)
            .field("events", .string, .required)
            .field("secret_sealed", .string, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(WebhookDeliveryModel.schema)
            .id()
            .field("tenant_id", .uuid, .required, tenant)
            .field("endpoint_id", .uuid, .required, .references(WebhookEndpointModel.schema, .id, onDelete: .cascade))
            .field("event", .string, .required)
            .field("body", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("response_status", .int)
            .field("last_error", .string)
            .field("created_at", .datetime)
            .field("delivered_at", .datetime)
            .create()
        try await Indexes.create("webhook_endpoints_tenant_idx", on: WebhookEndpointModel.schema, ["tenant_id"], in: database)
        try await Indexes.create("webhook_deliveries_endpoint_idx", on: WebhookDeliveryModel.schema, ["tenant_id", "endpoint_id", "created_at"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(WebhookDeliveryModel.schema).delete()
        try await database.schema(WebhookEndpointModel.schema).delete()
    }
}
