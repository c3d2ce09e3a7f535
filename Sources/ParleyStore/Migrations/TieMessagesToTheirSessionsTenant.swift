import FluentKit
import SQLKit

/// PostgreSQL: a message references its session by `(tenant_id, session_id)`, one foreign key
/// where there were two (`tenant_id` to `tenants`, `session_id` to `sessions`), and the index
/// `messages (session_id, created_at)` goes.
///
/// The database now refuses a message filed under another tenant than its session's (the two
/// keys each accepted it), and a message insert checks one key instead of two: every key check
/// locks the row it finds (`FOR KEY SHARE`), and with 64 visitors of one tenant the `tenants`
/// row was locked by every concurrent insert (about 4 checks per chat turn). Deleting a session
/// cascades to its messages through `messages (tenant_id, session_id, created_at)` (migration
/// 025), which made the `(session_id, created_at)` index one more to write on every message
/// and nothing else (every read of messages names the tenant). A tenant's deletion still
/// reaches every message, through its sessions.
///
/// On an existing installation the new key checks every stored message while the migration
/// runs (at start, before the server takes requests). SQLite keeps its two keys (changing a key
/// there means rebuilding the table, and its checks are in-process).
struct TieMessagesToTheirSessionsTenant: AsyncMigration {
    var name: String { "029_tie_messages_to_their_sessions_tenant" }

    static let key = "messages_tenant_session_fkey"

    func prepare(on database: any Database) async throws {
        guard (database as? any SQLDatabase)?.dialect.name == "postgresql" else { return }
        // One transaction: a row that breaks the new key (a message filed under another tenant
        // than its session's) fails the migration, naming the key, and leaves the schema as it was.
        try await database.transaction { transaction in
            guard let sql = transaction as? any SQLDatabase else { return }
            try await Indexes.create("sessions_tenant_id_idx", on: SessionModel.schema, ["tenant_id", "id"], unique: true, in: transaction)
            try await sql.raw("""
                ALTER TABLE messages ADD CONSTRAINT \(ident: Self.key)
                FOREIGN KEY (tenant_id, session_id) REFERENCES sessions (tenant_id, id) ON DELETE CASCADE
                """).run()
            try await sql.raw("ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_tenant_id_fkey").run()
            try await sql.raw("ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_session_id_fkey").run()
            try await Indexes.drop("messages_session_created_idx", in: transaction)
        }
    }

    func revert(on database: any Database) async throws {
        guard (database as? any SQLDatabase)?.dialect.name == "postgresql" else { return }
        try await database.transaction { transaction in
            guard let sql = transaction as? any SQLDatabase else { return }
            try await Indexes.create("messages_session_created_idx", on: MessageModel.schema, ["session_id", "created_at"], in: transaction)
            try await sql.raw("""
                ALTER TABLE messages ADD CONSTRAINT messages_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
                """).run()
            try await sql.raw("""
                ALTER TABLE messages ADD CONSTRAINT messages_session_id_fkey FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE
                """).run()
            try await sql.raw("ALTER TABLE messages DROP CONSTRAINT IF EXISTS \(ident: Self.key)").run()
            try await Indexes.drop("sessions_tenant_id_idx", in: transaction)
        }
    }
}
