import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// `TurnAnswerStore` in SQL: a chat turn's answer and its `llm_requests` rows, written with the
/// same INSERTs as `FluentConversationStore.append` and `FluentLLMRequestLog.append`.
///
/// On PostgreSQL they are one statement: the answer's INSERT and each call's in data-modifying
/// CTEs, each call written only if the answer was (its session is the tenant's). One round trip
/// and one commit (one WAL flush) for the turn's last write, where a transaction would take four
/// round trips. SQLite has no such CTEs: there the answer and each call (written only if the
/// answer was) are one batch, one transaction in one trip to the connection's thread
/// (``SQLStatementBatching``); when the connection is held by another task's transaction, the
/// calls are written right after the answer, and only once it was accepted (a refused answer
/// leaves no call row either way).
///
/// A turn that escalates its conversation opens the escalation in the same write
/// (`SQLTurnAnswerStore+Escalation.swift`).
public struct SQLTurnAnswerStore: TurnAnswerStore {
    let database: any Database
    /// Set on PostgreSQL: an escalation's event opened with the answer sends its notice from the same statement.
    let notices: SessionEventNotices?

    public init(database: any Database, notices: SessionEventNotices? = nil) {
        self.database = database
        self.notices = notices
    }

    public func append(tenant: TenantID, session: SessionID, answer: NewMessage, calls: [LLMCallRecord]) async throws -> StoredMessage {
        let sql = try self.sql
        let stored = FluentConversationStore.appended(answer, tenant: tenant, session: session)
        guard sql.dialect.name == "postgresql" else {
            if let batching = sql as? any SQLStatementBatching, let rows = try await batching.batch(Self.batch(of: stored, calls: calls)) {
                guard rows[0].count == 1 else { throw FluentConversationStore.unknownSession }
                return stored
            }
            try await FluentConversationStore.write(stored, on: sql)
            for call in calls {
                try await FluentLLMRequestLog.insert(call, on: sql)
            }
            return stored
        }
        guard try await sql.raw(Self.withAnswer(stored, calls: calls) + " SELECT id FROM answer").all().count == 1 else {
            throw FluentConversationStore.unknownSession
        }
        return stored
    }

    public func append(_ record: LLMCallRecord) async throws {
        try await FluentLLMRequestLog(database: database).append(record)
    }

    var sql: any SQLDatabase {
        get throws {
            guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("The database does not support SQL.") }
            return sql
        }
    }

    /// PostgreSQL: the answer's INSERT (`answer`) and each call's (written only if the answer was)
    /// as data-modifying CTEs, for a statement to go on with more of them or its SELECT.
    static func withAnswer(_ stored: StoredMessage, calls: [LLMCallRecord]) -> SQLQueryString {
        var statement: SQLQueryString = "WITH answer AS (\(FluentConversationStore.checkedInsertion(of: stored)) RETURNING id)"
        for (index, call) in calls.enumerated() {
            statement = statement + """
                , call\(unsafeRaw: String(index)) AS (\(FluentLLMRequestLog.insertion)
                  SELECT \(FluentLLMRequestLog.values(of: call)) WHERE EXISTS (SELECT 1 FROM answer))
                """
        }
        return statement
    }

    /// SQLite: the answer's INSERT (one row returned when it was written) and each call's, written only if the answer was.
    static func batch(of stored: StoredMessage, calls: [LLMCallRecord]) -> [SQLQueryString] {
        [FluentConversationStore.checkedInsertion(of: stored) + " RETURNING id"]
            + calls.map { FluentLLMRequestLog.insertion + " SELECT \(FluentLLMRequestLog.values(of: $0)) WHERE EXISTS (\(written(stored)))" }
    }

    /// A condition true once `stored` is written.
    static func written(_ stored: StoredMessage) -> SQLQueryString {
        "SELECT 1 FROM messages WHERE tenant_id = \(uuid: stored.tenantID.uuid) AND id = \(uuid: stored.id.uuid)"
    }
}
