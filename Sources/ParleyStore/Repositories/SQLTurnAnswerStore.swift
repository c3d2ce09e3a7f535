import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// `TurnAnswerStore` in SQL: a chat turn's answer and its `llm_requests` rows, written with the
/// same statements as `FluentConversationStore.append` and `FluentLLMRequestLog.append`.
///
/// On PostgreSQL they are one transaction: one commit (one WAL flush) for the turn's last write
/// instead of one per row. On SQLite a commit in WAL mode with `synchronous=NORMAL` flushes
/// nothing, while BEGIN and COMMIT are two more statements, each a hop to the connection's
/// thread; there the calls are written right after the answer, and only once it was accepted
/// (a refused answer leaves no call row either way).
public struct SQLTurnAnswerStore: TurnAnswerStore {
    private let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func append(tenant: TenantID, session: SessionID, answer: NewMessage, calls: [LLMCallRecord]) async throws -> StoredMessage {
        guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("The database does not support SQL.") }
        if sql.dialect.name == "sqlite" {
            let stored = try await FluentConversationStore.append(answer, tenant: tenant, session: session, on: sql)
            for call in calls {
                try await FluentLLMRequestLog.insert(call, on: sql)
            }
            return stored
        }
        return try await database.transaction { transaction in
            guard let sql = transaction as? any SQLDatabase else { throw ParleyError.internalFailure("The database does not support SQL.") }
            let stored = try await FluentConversationStore.append(answer, tenant: tenant, session: session, on: sql)
            for call in calls {
                try await FluentLLMRequestLog.insert(call, on: sql)
            }
            return stored
        }
    }

    public func append(_ record: LLMCallRecord) async throws {
        try await FluentLLMRequestLog(database: database).append(record)
    }
}
