import FluentKit
import SQLKit

/// `escalations`: conversations handed to a person, with why and when; at most one open (not
/// resolved) per conversation, which a partial unique index enforces for every process.
struct CreateEscalationTable: AsyncMigration {
    var name: String { "022_create_escalation_table" }

    func prepare(on database: any Database) async throws {
        try await database.schema(SQLEscalations.table)
            .field("id", .uuid, .identifier(auto: false))
            .field("tenant_id", .uuid, .required, .references(TenantModel.schema, .id, onDelete: .cascade))
            .field("session_id", .uuid, .required, .references(SessionModel.schema, .id, onDelete: .cascade))
            .field("reason", .string, .required)
            .field("message_id", .uuid)
            .field("confidence", .double)
            .field("created_at", .int64, .required)
            .field("resolved_at", .int64)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("CREATE UNIQUE INDEX escalations_open_idx ON escalations (session_id) WHERE resolved_at IS NULL").run()
        try await Indexes.create("escalations_tenant_idx", on: SQLEscalations.table, ["tenant_id", "resolved_at", "created_at"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SQLEscalations.table).delete()
    }
}
