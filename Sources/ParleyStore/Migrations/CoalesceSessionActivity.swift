import FluentKit
import SQLKit

/// A session's `last_activity_at` moves only when a message comes more than
/// `resolutionSeconds` after the time it holds: the activity time is exact to within half a
/// minute, never ahead of the last message and never moved backwards.
///
/// Why: `last_activity_at` is indexed (`sessions_tenant_activity_idx`), so every move wrote a
/// new version of the session's row and an entry in each of its four indexes, twice per chat
/// turn (the visitor's message and the answer a moment later). On PostgreSQL under 64 visitors
/// that was about 7% of the database's CPU per turn (`pg_stat_statements`: 0.054 ms per move,
/// plus the index and WAL writes after it). Now the answer to a message (and any message
/// within half a minute of the recorded time) leaves the row alone. Everything that reads the
/// time works in minutes or more: the admin and console lists' order and "last activity", the
/// idle filter and the summaries' inactivity (`chat.inactivity_minutes`), retention, the
/// visitors' questions of the most recently active conversations.
struct CoalesceSessionActivity: AsyncMigration {
    var name: String { "028_coalesce_session_activity" }

    /// How far a message may come after the recorded activity without moving it.
    static let resolutionSeconds = 30

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        // Dates are `timestamptz` on PostgreSQL and seconds since 1970 (REAL) on SQLite.
        let earlier: SQLQueryString = sql.dialect.name == "postgresql"
            ? "NEW.created_at - interval '\(unsafeRaw: String(Self.resolutionSeconds)) seconds'"
            : "NEW.created_at - \(unsafeRaw: String(Self.resolutionSeconds))"
        try await AddSessionActivityTrigger.install("""
            UPDATE sessions SET last_activity_at = NEW.created_at
            WHERE id = NEW.session_id AND tenant_id = NEW.tenant_id AND last_activity_at < \(earlier)
            """, on: sql)
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await AddSessionActivityTrigger.install(AddSessionActivityTrigger.touch, on: sql)
    }
}
