import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// `StreamTicketStore` on the messages table: redeeming a stream id is one conditional
/// `UPDATE messages … RETURNING` on the visitor's message (`stream_redeemed_at`, migration 024),
/// so two concurrent GETs with the same id cannot both win, on SQLite or PostgreSQL, and issuing
/// one writes nothing (the id is signed).
public struct FluentStreamTicketStore: StreamTicketStore {
    private let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    private var sql: any SQLDatabase {
        get throws {
            guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("The database does not support SQL.") }
            return sql
        }
    }

    /// The message, once, with in the same statement its conversation's agent, whether the
    /// conversation has an open escalation and the person holding it (taken over since the id
    /// was issued): at most one escalation row, found through its partial unique index.
    public func redeem(tenant: TenantID, message: MessageID, at now: Date) async throws -> StreamTicket? {
        guard let row = try await sql.raw(Self.redemption(tenant: tenant, message: message, at: now)).first() else { return nil }
        return try Self.ticket(row, sessionColumn: "session_id", tenant: tenant, message: message)
    }

    /// On PostgreSQL the redemption and the window are one statement: the UPDATE as a
    /// data-modifying CTE, the window read beside it from the conversation it returned (one
    /// round trip and one commit fewer per turn). SQLite cannot put an UPDATE in a WITH: there
    /// they are two statements, sent together in one batch when the connection allows it.
    public func redeem(tenant: TenantID, message: MessageID, at now: Date, readingWindow limit: Int,
                       of conversations: any ConversationStore) async throws -> (StreamTicket, TurnWindow?)? {
        let sql = try sql
        guard sql.dialect.name == "postgresql" else {
            if let batching = sql as? any SQLStatementBatching,
               let rows = try await batching.batch([Self.redemption(tenant: tenant, message: message, at: now),
                                                    FluentConversationStore.turnWindowRows(tenant: tenant, session: nil, question: message, limit: limit)]) {
                guard let redeemed = rows[0].first else { return nil }
                let ticket = try Self.ticket(redeemed, sessionColumn: "session_id", tenant: tenant, message: message)
                let window = try await FluentConversationStore(database: database)
                    .window(newestFirst: rows[1].map { try FluentConversationStore.message($0, tenant: tenant) },
                            tenant: tenant, session: ticket.sessionID, question: message, limit: limit)
                return (ticket, window)
            }
            return try await redeemThenReadWindow(tenant: tenant, message: message, at: now, limit: limit, of: conversations)
        }
        let rows = try await sql.raw("""
            WITH redeemed AS (\(Self.redemption(tenant: tenant, message: message, at: now)))
            SELECT r.session_id AS ticket_session_id, r.agent_code, r.open_escalation,
                   w.id, w.session_id, w.role, w.content, w.created_at
            FROM redeemed r LEFT JOIN LATERAL (
              SELECT \(FluentConversationStore.turnColumns) FROM messages
              WHERE tenant_id = \(uuid: tenant.uuid) AND session_id = r.session_id AND created_at <= r.created_at
              ORDER BY created_at DESC LIMIT \(literal: FluentConversationStore.windowRows(limit))) w ON true
            ORDER BY w.created_at DESC
            """).all()
        guard let first = rows.first else { return nil }
        let ticket = try Self.ticket(first, sessionColumn: "ticket_session_id", tenant: tenant, message: message)
        let messages = try rows.filter { try $0.decode(column: "id", as: UUID?.self) != nil }
            .map { try FluentConversationStore.message($0, tenant: tenant) }
        let window = try await FluentConversationStore(database: database)
            .window(newestFirst: messages, tenant: tenant, session: ticket.sessionID, question: message, limit: limit)
        return (ticket, window)
    }

    /// The conditional UPDATE that redeems the message, returning its conversation, its time and
    /// what the ticket carries.
    static func redemption(tenant: TenantID, message: MessageID, at now: Date) -> SQLQueryString {
        """
        UPDATE messages SET stream_redeemed_at = \(bind: now)
        WHERE id = \(uuid: message.uuid) AND tenant_id = \(uuid: tenant.uuid) AND role = \(bind: MessageRole.human.rawValue)
          AND stream_redeemed_at IS NULL
        RETURNING session_id, created_at,
         (SELECT s.agent_code FROM sessions s WHERE s.id = messages.session_id AND s.tenant_id = messages.tenant_id) AS agent_code,
         \(ReturnedEscalation.column)
        """
    }

    static func ticket(_ row: any SQLRow, sessionColumn: String, tenant: TenantID, message: MessageID) throws -> StreamTicket {
        let escalation = try ReturnedEscalation.read(row)
        return StreamTicket(tenantID: tenant, sessionID: SessionID(try row.decode(column: sessionColumn, as: UUID.self)), messageID: message,
                            agentCode: try row.decode(column: "agent_code", as: String.self), heldBy: escalation.holder,
                            escalated: escalation.escalated)
    }
}
