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
        guard let row = try await sql.raw("""
            UPDATE messages SET stream_redeemed_at = \(bind: now)
            WHERE id = \(bind: message.uuid) AND tenant_id = \(bind: tenant.uuid) AND role = \(bind: MessageRole.human.rawValue)
              AND stream_redeemed_at IS NULL
            RETURNING session_id,
             (SELECT s.agent_code FROM sessions s WHERE s.id = messages.session_id AND s.tenant_id = messages.tenant_id) AS agent_code,
             \(FluentConversationStore.returnedHolder),
             EXISTS (SELECT 1 FROM escalations e WHERE e.session_id = messages.session_id AND e.tenant_id = messages.tenant_id
               AND e.resolved_at IS NULL) AS escalated
            """).first() else { return nil }
        return StreamTicket(tenantID: tenant, sessionID: SessionID(try row.decode(column: "session_id", as: UUID.self)), messageID: message,
                            agentCode: try row.decode(column: "agent_code", as: String.self), heldBy: try FluentConversationStore.holder(returnedBy: row),
                            escalated: try row.decode(column: "escalated", as: Bool.self))
    }
}
