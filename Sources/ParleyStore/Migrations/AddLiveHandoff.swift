import FluentKit
import SQLKit

/// The live hand-over: who holds each escalation (`escalations.operator_id`, `operator_name`,
/// `taken_over_at`) and how it ended (`outcome`), and `session_events`, each conversation's
/// numbered events, unique per (conversation, number) so that two writers can never share one.
struct AddLiveHandoff: AsyncMigration {
    var name: String { "023_add_live_handoff" }

    func prepare(on database: any Database) async throws {
        try await database.schema(SQLEscalations.table).field("operator_id", .uuid).update()
        try await database.schema(SQLEscalations.table).field("operator_name", .string).update()
        try await database.schema(SQLEscalations.table).field("taken_over_at", .int64).update()
        try await database.schema(SQLEscalations.table).field("outcome", .string).update()
        try await database.schema(SQLLiveConversations.eventTable)
            .field("tenant_id", .uuid, .required, .references(TenantModel.schema, .id, onDelete: .cascade))
            .field("session_id", .uuid, .required, .references(SessionModel.schema, .id, onDelete: .cascade))
            .field("seq", .int64, .required)
            .field("kind", .string, .required)
            .field("data", .json, .required)
            .field("created_at", .int64, .required)
            .unique(on: "session_id", "seq")
            .create()
        try await Indexes.create("session_events_tenant_idx", on: SQLLiveConversations.eventTable, ["tenant_id", "created_at"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SQLLiveConversations.eventTable).delete()
        for column: FieldKey in ["outcome", "taken_over_at", "operator_name", "operator_id"] {
            try await database.schema(SQLEscalations.table).deleteField(column).update()
        }
    }
}
