import FluentKit

/// `messages (tenant_id, session_id, created_at)` in place of `messages (tenant_id)`: every read
/// of a conversation's window (`WHERE tenant_id = ? AND session_id = ? ORDER BY created_at DESC
/// LIMIT n`) is one backward scan of this index, whatever the planner knows of the table.
///
/// With an index on each column, PostgreSQL's generic plan for a prepared statement, made
/// while the table has no statistics yet (a new installation, a benchmark's first minutes),
/// intersected the two: it read every message of the tenant from `messages_tenant_idx` on
/// every chat turn (4,587 index entries for one 8-message window in a 2,000-turn run, 0.46 ms
/// against 0.17 ms, and growing with the tenant). The new index's leading column serves what
/// the tenant index served (a tenant's messages, its deletion); `(session_id, created_at)`
/// stays for the sessions' cascading deletes.
struct IndexMessagesByTenantAndSession: AsyncMigration {
    var name: String { "025_index_messages_by_tenant_and_session" }

    func prepare(on database: any Database) async throws {
        try await Indexes.create("messages_tenant_session_created_idx", on: MessageModel.schema,
                                 ["tenant_id", "session_id", "created_at"], in: database)
        try await Indexes.drop("messages_tenant_idx", in: database)
    }

    func revert(on database: any Database) async throws {
        try await Indexes.create("messages_tenant_idx", on: MessageModel.schema, ["tenant_id"], in: database)
        try await Indexes.drop("messages_tenant_session_created_idx", in: database)
    }
}
