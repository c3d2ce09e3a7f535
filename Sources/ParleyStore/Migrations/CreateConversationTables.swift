import FluentKit
import SQLKit

/// `sessions`, `messages`, `conversation_summaries`, `profiles`, `stream_tickets`,
/// with the indices seed 000 lists.
struct CreateConversationTables: AsyncMigration {
    var name: String { "002_create_conversation_tables" }

    func prepare(on database: any Database) async throws {
        let tenant = DatabaseSchema.FieldConstraint.references(TenantModel.schema, .id, onDelete: .cascade)
        try await database.schema(SessionModel.schema)
            .id()
            .field("tenant_id", .uuid, .required, tenant)
            .field("session_key_hash", .string, .required)
            .field("agent_code", .string, .required)
            .field("email", .string)
            .field("is_anonymous", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("last_activity_at", .datetime, .required)
            .field("metadata", .json, .required)
            .unique(on: "session_key_hash")
            .create()
        try await database.schema(MessageModel.schema)
            .id()
            .field("tenant_id", .uuid, .required, tenant)
            .field("session_id", .uuid, .required, .references(SessionModel.schema, .id, onDelete: .cascade))
            .field("role", .string, .required)
            .field("content", .string, .required)
            .field("metadata", .json, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(ConversationSummaryModel.schema)
            .id()
            .field("tenant_id", .uuid, .required, tenant)
            .field("session_id", .uuid, .required, .references(SessionModel.schema, .id, onDelete: .cascade))
            .field("summary", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(ProfileModel.schema)
            .id()
            .field("tenant_id", .uuid, .required, tenant)
            .field("session_id", .uuid, .required, .references(SessionModel.schema, .id, onDelete: .cascade))
            .field("customer_name", .string)
            .field("phone", .string)
            .field("email", .string)
            .field("address_street", .string)
            .field("address_city", .string)
            .field("address_state", .string)
            .field("address_zip", .string)
            .field("products_of_interest", .array(of: .string), .required)
            .field("services_of_interest", .array(of: .string), .required)
            .field("preferences", .json, .required)
            .field("updated_at", .datetime)
            .create()
        try await AddMessageStreamRedemption.createTicketTable(on: database)
        try await Indexes.create("sessions_tenant_email_idx", on: SessionModel.schema, ["tenant_id", "email"], in: database)
        try await Indexes.create("messages_session_created_idx", on: MessageModel.schema, ["session_id", "created_at"], in: database)
        try await Indexes.create("messages_tenant_idx", on: MessageModel.schema, ["tenant_id"], in: database)
        try await Indexes.create("summaries_session_idx", on: ConversationSummaryModel.schema, ["session_id"], in: database)
        try await Indexes.create("profiles_tenant_session_idx", on: ProfileModel.schema, ["tenant_id", "session_id"], in: database)
    }

    func revert(on database: any Database) async throws {
        for schema in [AddMessageStreamRedemption.ticketTable, ProfileModel.schema, ConversationSummaryModel.schema,
                       MessageModel.schema, SessionModel.schema] {
            try await database.schema(schema).delete()
        }
    }
}
