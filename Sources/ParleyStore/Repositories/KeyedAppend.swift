import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// A visitor's message appended to the conversation its session key names, in one statement:
/// the INSERT takes its session from the key's row, and returns the session's creation time and
/// the person holding it (at most one open escalation, through its partial unique index). A
/// visitor's every message after the first comes through here.
struct KeyedAppend {
    let tenant: TenantID
    let keyHash: String
    let agentCode: String
    let message: NewMessage
    let id = MessageID()
    let now = Date()
    let metadata: JSONObject

    init(tenant: TenantID, keyHash: String, agentCode: String, message: NewMessage) {
        self.tenant = tenant
        self.keyHash = keyHash
        self.agentCode = agentCode
        self.message = message
        metadata = JSONObject(message.metadata)
    }

    /// The INSERT; its row names the conversation `new_session_id`.
    var statement: SQLQueryString {
        """
        INSERT INTO messages (id, tenant_id, session_id, role, content, metadata, created_at)
        SELECT \(uuid: id.uuid), s.tenant_id, s.id, \(bind: message.role.rawValue), \(bind: message.content), \(metadata.bound), \(bind: now)
        FROM sessions s
        WHERE s.tenant_id = \(uuid: tenant.uuid) AND s.session_key_hash = \(bind: keyHash) AND s.agent_code = \(bind: agentCode)
        RETURNING session_id AS new_session_id,
         (SELECT s.created_at FROM sessions s WHERE s.id = messages.session_id AND s.tenant_id = messages.tenant_id) AS session_created_at,
         \(ReturnedEscalation.column)
        """
    }

    /// The session and the stored message, from the INSERT's row.
    func result(_ row: any SQLRow) throws -> (ChatSession, StoredMessage) {
        let sessionID = SessionID(try row.decode(column: "new_session_id", as: UUID.self))
        let session = ChatSession(id: sessionID, tenantID: tenant, agentCode: agentCode,
                                  createdAt: try row.decode(column: "session_created_at", as: Date.self), lastActivityAt: now,
                                  heldBy: try ReturnedEscalation.read(row).holder)
        return (session, StoredMessage(id: id, tenantID: tenant, sessionID: sessionID, role: message.role, content: message.content,
                                       metadata: metadata.value, createdAt: now))
    }

    /// The `limit` messages of the key's conversation before the new one, newest first, as a
    /// SELECT that runs after the INSERT in one batch (SQLite) and finds the conversation by the key.
    func historyAfterInsert(limit: Int) -> SQLQueryString {
        """
        SELECT \(FluentConversationStore.turnColumns) FROM messages
        WHERE tenant_id = \(uuid: tenant.uuid) AND id <> \(uuid: id.uuid) AND created_at <= \(bind: now)
          AND session_id = (SELECT id FROM sessions WHERE tenant_id = \(uuid: tenant.uuid) AND session_key_hash = \(bind: keyHash)
                            AND agent_code = \(bind: agentCode))
        ORDER BY created_at DESC LIMIT \(literal: max(0, limit))
        """
    }

    /// The INSERT with, in the same statement (PostgreSQL), the `limit` messages before it,
    /// newest first: the window's SELECT reads the snapshot the INSERT started from, so it never
    /// sees the new message. One row per history message, the first carrying an empty window
    /// when there is none (`w_id` NULL).
    func statementWithHistory(limit: Int) -> SQLQueryString {
        """
        WITH appended AS (\(statement))
        SELECT a.new_session_id, a.session_created_at, a.open_escalation,
               w.id, w.session_id, w.role, w.content, w.created_at
        FROM appended a LEFT JOIN LATERAL (
          SELECT \(FluentConversationStore.turnColumns) FROM messages
          WHERE tenant_id = \(uuid: tenant.uuid) AND session_id = a.new_session_id
          ORDER BY created_at DESC LIMIT \(literal: max(0, limit))) w ON true
        ORDER BY w.created_at DESC
        """
    }
}

extension FluentConversationStore {
    /// The message appended with the history before it: one statement on PostgreSQL, one batch
    /// on SQLite (an INSERT cannot sit in SQLite's WITH), two statements when the batch is refused.
    public func append(tenant: TenantID, keyHash: String, agentCode: String, message: NewMessage,
                       historyLimit: Int) async throws -> (ChatSession, StoredMessage, history: [StoredMessage])? {
        guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("The database does not support SQL.") }
        let appended = KeyedAppend(tenant: tenant, keyHash: keyHash, agentCode: agentCode, message: message)
        if sql.dialect.name == "postgresql" {
            let rows = try await sql.raw(appended.statementWithHistory(limit: historyLimit)).all()
            guard let first = rows.first else { return nil }
            let (session, stored) = try appended.result(first)
            let history = try rows.filter { try $0.decode(column: "id", as: UUID?.self) != nil }.map { try Self.message($0, tenant: tenant) }
            return (session, stored, history.reversed())
        }
        if let batching = sql as? any SQLStatementBatching,
           let rows = try await batching.batch([appended.statement, appended.historyAfterInsert(limit: historyLimit)]) {
            guard let first = rows[0].first else { return nil }
            let (session, stored) = try appended.result(first)
            return (session, stored, try rows[1].map { try Self.message($0, tenant: tenant) }.reversed())
        }
        return try await appendThenReadHistory(tenant: tenant, keyHash: keyHash, agentCode: agentCode, message: message, historyLimit: historyLimit)
    }
}
