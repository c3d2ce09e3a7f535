import FluentKit

/// What summaries and e-mail delivery need beyond seed 000's columns:
/// `conversation_summaries.trigger` and `.method` (why and how it was written), and on
/// `email_events` the plain-text part, the attempt count, the provider's message id (webhooks
/// find the row by it), an idempotency key unique per tenant, and when the row last changed.
struct AddSummaryAndDeliveryColumns: AsyncMigration {
    var name: String { "016_add_summary_and_delivery_columns" }

    func prepare(on database: any Database) async throws {
        try await database.schema(ConversationSummaryModel.schema).field("trigger", .string).update()
        try await database.schema(ConversationSummaryModel.schema).field("method", .string).update()
        try await Indexes.create("summaries_tenant_session_created_idx", on: ConversationSummaryModel.schema,
                                 ["tenant_id", "session_id", "created_at"], in: database)
        for (field, type) in [("text_body", DatabaseSchema.DataType.string), ("attempts", .int), ("provider_message_id", .string),
                              ("idempotency_key", .string), ("updated_at", .datetime)] {
            try await database.schema(EmailEventModel.schema).field(FieldKey.string(field), type).update()
        }
        try await Indexes.create("email_events_idempotency_idx", on: EmailEventModel.schema, ["tenant_id", "idempotency_key"], unique: true, in: database)
        try await Indexes.create("email_events_provider_message_idx", on: EmailEventModel.schema, ["provider_message_id"], in: database)
        try await Indexes.create("email_events_session_idx", on: EmailEventModel.schema, ["tenant_id", "session_id", "created_at"], in: database)
    }

    func revert(on database: any Database) async throws {
        for index in ["email_events_session_idx", "email_events_provider_message_idx", "email_events_idempotency_idx",
                      "summaries_tenant_session_created_idx"] {
            try await Indexes.drop(index, in: database)
        }
        for field in ["updated_at", "idempotency_key", "provider_message_id", "attempts", "text_body"] {
            try await database.schema(EmailEventModel.schema).deleteField(.string(field)).update()
        }
        try await database.schema(ConversationSummaryModel.schema).deleteField("method").update()
        try await database.schema(ConversationSummaryModel.schema).deleteField("trigger").update()
    }
}
