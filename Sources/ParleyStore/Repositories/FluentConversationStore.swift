import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// `ConversationStore` in SQL on Fluent's database. Every query filters on `tenant_id` first.
///
/// Every chat turn goes through here, so each method is one statement written with SQLKit
/// (no model reflection): appending a message checks that the session is the tenant's in the
/// same `INSERT … SELECT … WHERE EXISTS`, and the `messages_touch_session` trigger (migration
/// 019) moves the session's `last_activity_at` in the same statement.
public struct FluentConversationStore: ConversationStore {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    private var sql: any SQLDatabase {
        get throws {
            guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("The database does not support SQL.") }
            return sql
        }
    }

    static let messageColumns: SQLQueryString = "id, session_id, role, content, metadata, created_at"
    static let turnColumns: SQLQueryString = "id, session_id, role, content, created_at"

    public func session(tenant: TenantID, keyHash: String) async throws -> ChatSession? {
        try await sql.raw("\(Self.sessionWithHolder) WHERE s.tenant_id = \(uuid: tenant.uuid) AND s.session_key_hash = \(bind: keyHash)")
            .first().map { try Self.session($0, tenant: tenant) }
    }

    public func session(tenant: TenantID, id: SessionID) async throws -> ChatSession? {
        try await sql.raw("\(Self.sessionWithHolder) WHERE s.tenant_id = \(uuid: tenant.uuid) AND s.id = \(uuid: id.uuid)")
            .first().map { try Self.session($0, tenant: tenant) }
    }

    /// A session with the person holding it, if any, in the same statement: the open escalation
    /// is at most one row (a partial unique index), found through that index.
    static let sessionWithHolder: SQLQueryString = """
        SELECT s.id, s.agent_code, s.created_at, s.last_activity_at, e.operator_id, e.operator_name, e.taken_over_at
        FROM sessions s LEFT JOIN escalations e ON e.session_id = s.id AND e.resolved_at IS NULL AND e.tenant_id = s.tenant_id
        """

    public func createSession(tenant: TenantID, agentCode: String, keyHash: String,
                              firstMessage: NewMessage) async throws -> (ChatSession, StoredMessage) {
        let now = Date()
        let session = ChatSession(id: SessionID(), tenantID: tenant, agentCode: agentCode, createdAt: now, lastActivityAt: now)
        let message = StoredMessage(id: MessageID(), tenantID: tenant, sessionID: session.id, role: firstMessage.role, content: firstMessage.content,
                                    metadata: JSONObject(firstMessage.metadata).value, createdAt: now)
        let sql = try sql
        let insertSession: SQLQueryString = """
            INSERT INTO sessions (id, tenant_id, session_key_hash, agent_code, is_anonymous, created_at, last_activity_at, metadata)
            VALUES (\(uuid: session.id.uuid), \(uuid: tenant.uuid), \(bind: keyHash), \(bind: agentCode), \(bind: true),
                    \(bind: now), \(bind: now), \(JSONObject(.object([:])).bound))
            """
        if sql.dialect.name == "postgresql" {
            // One statement, one round trip: the session in a data-modifying WITH, the message from
            // its row (the foreign key and the activity trigger see it; either both are written or neither).
            try await sql.raw("""
                WITH session AS (\(insertSession) RETURNING id)
                INSERT INTO messages (id, tenant_id, session_id, role, content, metadata, created_at)
                SELECT \(uuid: message.id.uuid), \(uuid: tenant.uuid), session.id, \(bind: message.role.rawValue),
                       \(bind: message.content), \(JSONObject(message.metadata).bound), \(bind: message.createdAt)
                FROM session
                """).run()
        } else if try await (sql as? any SQLStatementBatching)?.batch([insertSession, Self.insertion(of: message)]) == nil {
            // SQLite has no data-modifying WITH: there the two INSERTs are one batch (one
            // transaction in one trip to the connection) or, when the batch is refused (another
            // transaction holds the connection), share a transaction of their own.
            try await database.transaction { transaction in
                guard let sql = transaction as? any SQLDatabase else { throw ParleyError.internalFailure("The database does not support SQL.") }
                try await sql.raw(insertSession).run()
                try await Self.insert(message, into: sql)
            }
        }
        return (session, message)
    }

    static func insert(_ message: StoredMessage, into sql: any SQLDatabase) async throws {
        try await sql.raw(insertion(of: message)).run()
    }

    static func insertion(of message: StoredMessage) -> SQLQueryString {
        """
        INSERT INTO messages (id, tenant_id, session_id, role, content, metadata, created_at)
        VALUES (\(uuid: message.id.uuid), \(uuid: message.tenantID.uuid), \(uuid: message.sessionID.uuid), \(bind: message.role.rawValue),
                \(bind: message.content), \(JSONObject(message.metadata).bound), \(bind: message.createdAt))
        """
    }

    public func append(tenant: TenantID, session: SessionID, message: NewMessage) async throws -> StoredMessage {
        try await Self.append(message, tenant: tenant, session: session, on: sql)
    }

    /// The session found by its key and the message appended to it in one statement: the
    /// INSERT takes its session from the key's row, and returns the session's creation time and
    /// the person holding it (at most one open escalation, through its partial unique index).
    /// A visitor's every message after the first comes through here.
    public func append(tenant: TenantID, keyHash: String, agentCode: String, message: NewMessage) async throws -> (ChatSession, StoredMessage)? {
        let appended = KeyedAppend(tenant: tenant, keyHash: keyHash, agentCode: agentCode, message: message)
        guard let row = try await sql.raw(appended.statement).first() else { return nil }
        return try appended.result(row)
    }

    /// Appends a message to the tenant's session in one statement that checks the session is
    /// the tenant's; throws `unknown_session` when it is not.
    static func append(_ message: NewMessage, tenant: TenantID, session: SessionID, on sql: any SQLDatabase) async throws -> StoredMessage {
        let stored = appended(message, tenant: tenant, session: session)
        try await write(stored, on: sql)
        return stored
    }

    /// Writes `stored` if its session is its tenant's (`unknown_session` otherwise).
    static func write(_ stored: StoredMessage, on sql: any SQLDatabase) async throws {
        let inserted = try await sql.raw("\(checkedInsertion(of: stored)) RETURNING id").all()
        guard inserted.count == 1 else { throw unknownSession }
    }

    static let unknownSession = ParleyError.notFound("unknown_session", "No such conversation.")

    /// The message `message` becomes when appended now to the tenant's session.
    static func appended(_ message: NewMessage, tenant: TenantID, session: SessionID) -> StoredMessage {
        StoredMessage(id: MessageID(), tenantID: tenant, sessionID: session, role: message.role, content: message.content,
                      metadata: JSONObject(message.metadata).value, createdAt: Date())
    }

    /// The INSERT of a stored message that writes it only if its session is its tenant's.
    static func checkedInsertion(of stored: StoredMessage) -> SQLQueryString {
        """
        INSERT INTO messages (id, tenant_id, session_id, role, content, metadata, created_at)
        SELECT \(uuid: stored.id.uuid), \(uuid: stored.tenantID.uuid), \(uuid: stored.sessionID.uuid), \(bind: stored.role.rawValue),
               \(bind: stored.content), \(JSONObject(stored.metadata).bound), \(bind: stored.createdAt)
        WHERE EXISTS (SELECT 1 FROM sessions WHERE tenant_id = \(uuid: stored.tenantID.uuid) AND id = \(uuid: stored.sessionID.uuid))
        """
    }

    public func recentMessages(tenant: TenantID, session: SessionID, limit: Int, before: MessageID?) async throws -> [StoredMessage] {
        try await window(tenant: tenant, session: session, limit: limit, before: before, columns: Self.messageColumns)
    }

    public func recentTurns(tenant: TenantID, session: SessionID, limit: Int, before: MessageID?) async throws -> [StoredMessage] {
        try await window(tenant: tenant, session: session, limit: limit, before: before, columns: Self.turnColumns)
    }

    /// One SELECT of the question and what came before it, newest first, with room for a few
    /// messages stored in the same instant as the question; when more than that share it, the
    /// window is read as two statements instead.
    public func turnWindow(tenant: TenantID, session: SessionID, question: MessageID, limit: Int) async throws -> TurnWindow? {
        let rows = try await sql.raw(Self.turnWindowRows(tenant: tenant, session: session, question: question, limit: limit))
            .all().map { try Self.message($0, tenant: tenant) }
        return try await window(newestFirst: rows, tenant: tenant, session: session, question: question, limit: limit)
    }

    /// The SELECT of a turn's window: the newest `windowRows(limit)` messages of the
    /// conversation up to the question's instant. Without `session` the conversation is found
    /// from the question's row, for a statement sent with the question's redemption before
    /// that returned it.
    static func turnWindowRows(tenant: TenantID, session: SessionID?, question: MessageID, limit: Int) -> SQLQueryString {
        let conversation: SQLQueryString = session.map { "\(uuid: $0.uuid)" }
            ?? "(SELECT session_id FROM messages WHERE tenant_id = \(uuid: tenant.uuid) AND id = \(uuid: question.uuid))"
        return """
            SELECT \(turnColumns) FROM messages WHERE tenant_id = \(uuid: tenant.uuid) AND session_id = \(conversation)
             AND created_at <= (SELECT created_at FROM messages WHERE tenant_id = \(uuid: tenant.uuid) AND id = \(uuid: question.uuid))
            ORDER BY created_at DESC LIMIT \(literal: windowRows(limit))
            """
    }

    /// How many rows a turn's window reads: the history, the question and room for a few
    /// messages stored in the same instant as the question.
    static func windowRows(_ limit: Int) -> Int { max(0, limit) + 3 }

    /// The window in `rows`, the newest `windowRows(limit)` messages up to the question's instant,
    /// newest first; read again in two statements when the question's instant holds more
    /// messages than the rows had room for.
    func window(newestFirst rows: [StoredMessage], tenant: TenantID, session: SessionID, question: MessageID,
                limit: Int) async throws -> TurnWindow? {
        guard let asked = rows.first(where: { $0.id == question }) else {
            return rows.count < Self.windowRows(limit) ? nil : try await turnWindowInTwoReads(tenant: tenant, session: session, question: question, limit: limit)
        }
        let earlier = rows.filter { $0.createdAt < asked.createdAt }
        if earlier.count < limit, rows.count == Self.windowRows(limit) {
            return try await turnWindowInTwoReads(tenant: tenant, session: session, question: question, limit: limit)
        }
        return TurnWindow(question: asked, history: earlier.prefix(limit).reversed())
    }

    /// The `limit` messages before `before` (or the newest), oldest first, in one SELECT.
    private func window(tenant: TenantID, session: SessionID, limit: Int, before: MessageID?,
                        columns: SQLQueryString) async throws -> [StoredMessage] {
        guard limit > 0 else { return [] }
        var query: SQLQueryString = """
            SELECT \(columns) FROM messages WHERE tenant_id = \(uuid: tenant.uuid) AND session_id = \(uuid: session.uuid)
            """
        if let before {
            // A missing anchor makes the comparison NULL: no rows, as for a message that is not there.
            query = query + """
                 AND created_at < (SELECT created_at FROM messages WHERE tenant_id = \(uuid: tenant.uuid) AND id = \(uuid: before.uuid))\
                 AND id <> \(uuid: before.uuid)
                """
        }
        query = query + " ORDER BY created_at DESC LIMIT \(literal: limit)"
        return try await sql.raw(query).all().reversed().map { try Self.message($0, tenant: tenant) }
    }

    public func history(tenant: TenantID, session: SessionID, limit: Int) async throws -> [StoredMessage] {
        try await sql.raw("""
            SELECT \(Self.messageColumns) FROM messages WHERE tenant_id = \(uuid: tenant.uuid) AND session_id = \(uuid: session.uuid)
            ORDER BY created_at LIMIT \(literal: max(0, limit))
            """).all().map { try Self.message($0, tenant: tenant) }
    }

    public func message(tenant: TenantID, id: MessageID) async throws -> StoredMessage? {
        try await sql.raw("SELECT \(Self.messageColumns) FROM messages WHERE tenant_id = \(uuid: tenant.uuid) AND id = \(uuid: id.uuid)")
            .first().map { try Self.message($0, tenant: tenant) }
    }

    static func session(_ row: any SQLRow, tenant: TenantID) throws -> ChatSession {
        ChatSession(id: SessionID(try row.decode(column: "id", as: UUID.self)), tenantID: tenant,
                    agentCode: try row.decode(column: "agent_code", as: String.self),
                    createdAt: try row.decode(column: "created_at", as: Date.self),
                    lastActivityAt: try row.decode(column: "last_activity_at", as: Date.self), heldBy: try holder(row))
    }

    /// `RETURNING` columns of a statement on `messages`: the person holding the message's
    /// conversation (its open escalation, once taken over; at most one row, found through the
    /// partial unique index). An `UPDATE … RETURNING` cannot join, so these are subqueries.
    /// The operator of the row's open escalation, once taken over.
    static func holder(_ row: any SQLRow) throws -> OperatorIdentity? {
        guard row.contains(column: "taken_over_at"), try row.decode(column: "taken_over_at", as: Int64?.self) != nil,
              let id = try row.decode(column: "operator_id", as: UUID?.self) else { return nil }
        return OperatorIdentity(id: AdminUserID(id), name: try row.decode(column: "operator_name", as: String?.self) ?? "")
    }

    static func message(_ row: any SQLRow, tenant: TenantID) throws -> StoredMessage {
        StoredMessage(id: MessageID(try row.decode(column: "id", as: UUID.self)), tenantID: tenant,
                      sessionID: SessionID(try row.decode(column: "session_id", as: UUID.self)),
                      role: MessageRole(rawValue: try row.decode(column: "role", as: String.self)) ?? .system,
                      content: try row.decode(column: "content", as: String.self),
                      metadata: row.contains(column: "metadata") ? try row.decode(column: "metadata", as: JSONObject.self).value : .object([:]),
                      createdAt: try row.decode(column: "created_at", as: Date.self))
    }
}
