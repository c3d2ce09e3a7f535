import FluentKit
import SQLKit

/// A message's insert moves its session's `last_activity_at`, in the same statement: appending
/// to a conversation is one `INSERT` instead of an `INSERT` and an `UPDATE` in a transaction
/// (the chat turn does it twice). Migration 028 (`CoalesceSessionActivity`) makes the move
/// conditional.
struct AddSessionActivityTrigger: AsyncMigration {
    var name: String { "019_add_session_activity_trigger" }

    static let touch: SQLQueryString = """
        UPDATE sessions SET last_activity_at = NEW.created_at WHERE id = NEW.session_id AND tenant_id = NEW.tenant_id
        """

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await Self.install(Self.touch, on: sql)
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await Self.remove(on: sql)
    }

    /// Makes `touch` (an UPDATE of `sessions` that may read `NEW`, the inserted message) run
    /// after every message insert, replacing the one installed before.
    static func install(_ touch: SQLQueryString, on sql: any SQLDatabase) async throws {
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                CREATE OR REPLACE FUNCTION parley_touch_session() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    \(touch);
                    RETURN NULL;
                END $$
                """).run()
            try await sql.raw("DROP TRIGGER IF EXISTS messages_touch_session ON messages").run()
            try await sql.raw("""
                CREATE TRIGGER messages_touch_session AFTER INSERT ON messages FOR EACH ROW EXECUTE FUNCTION parley_touch_session()
                """).run()
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS messages_touch_session").run()
            try await sql.raw("CREATE TRIGGER messages_touch_session AFTER INSERT ON messages BEGIN \(touch); END").run()
        }
    }

    static func remove(on sql: any SQLDatabase) async throws {
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP TRIGGER IF EXISTS messages_touch_session ON messages").run()
            try await sql.raw("DROP FUNCTION IF EXISTS parley_touch_session()").run()
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS messages_touch_session").run()
        }
    }
}
