import FluentKit
import SQLKit

/// A message's insert moves its session's `last_activity_at`, in the same statement: appending
/// to a conversation is one `INSERT` instead of an `INSERT` and an `UPDATE` in a transaction
/// (the chat turn does it twice).
struct AddSessionActivityTrigger: AsyncMigration {
    var name: String { "019_add_session_activity_trigger" }

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let touch: SQLQueryString = """
            UPDATE sessions SET last_activity_at = NEW.created_at WHERE id = NEW.session_id AND tenant_id = NEW.tenant_id
            """
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                CREATE OR REPLACE FUNCTION parley_touch_session() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    \(touch);
                    RETURN NULL;
                END $$
                """).run()
            try await sql.raw("""
                CREATE TRIGGER messages_touch_session AFTER INSERT ON messages FOR EACH ROW EXECUTE FUNCTION parley_touch_session()
                """).run()
        } else {
            try await sql.raw("CREATE TRIGGER messages_touch_session AFTER INSERT ON messages BEGIN \(touch); END").run()
        }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP TRIGGER IF EXISTS messages_touch_session ON messages").run()
            try await sql.raw("DROP FUNCTION IF EXISTS parley_touch_session()").run()
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS messages_touch_session").run()
        }
    }
}
