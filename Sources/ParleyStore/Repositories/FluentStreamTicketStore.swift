import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// `StreamTicketStore` on Fluent. Redemption is one conditional UPDATE … RETURNING, so two
/// concurrent GETs with the same stream id cannot both win, on SQLite or PostgreSQL.
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

    public func save(_ ticket: StreamTicket) async throws {
        try await sql.raw("""
            INSERT INTO stream_tickets (id, tenant_id, session_id, message_id, agent_code, expires_at, created_at)
            VALUES (\(bind: ticket.id.uuid), \(bind: ticket.tenantID.uuid), \(bind: ticket.sessionID.uuid), \(bind: ticket.messageID.uuid),
                    \(bind: ticket.agentCode), \(bind: ticket.expiresAt), \(bind: Date()))
            """).run()
    }

    /// The ticket, once: the UPDATE that consumes it returns it, so no second statement reads it,
    /// with whether its conversation has an open escalation and the person holding it (taken over
    /// since the ticket was issued): at most one row, found through its partial unique index.
    public func redeem(tenant: TenantID, id: StreamID, now: Date) async throws -> StreamTicket? {
        guard let row = try await sql.raw("""
            UPDATE stream_tickets SET consumed_at = \(bind: now)
            WHERE id = \(bind: id.uuid) AND tenant_id = \(bind: tenant.uuid) AND consumed_at IS NULL
            RETURNING session_id, message_id, agent_code, expires_at,
             (SELECT e.operator_id FROM escalations e WHERE e.session_id = stream_tickets.session_id AND e.tenant_id = stream_tickets.tenant_id
               AND e.resolved_at IS NULL AND e.taken_over_at IS NOT NULL) AS operator_id,
             (SELECT e.operator_name FROM escalations e WHERE e.session_id = stream_tickets.session_id AND e.tenant_id = stream_tickets.tenant_id
               AND e.resolved_at IS NULL AND e.taken_over_at IS NOT NULL) AS operator_name,
             EXISTS (SELECT 1 FROM escalations e WHERE e.session_id = stream_tickets.session_id AND e.tenant_id = stream_tickets.tenant_id
               AND e.resolved_at IS NULL) AS escalated
            """).first() else { return nil }
        let holder = try row.decode(column: "operator_id", as: UUID?.self).map {
            OperatorIdentity(id: AdminUserID($0), name: try row.decode(column: "operator_name", as: String?.self) ?? "")
        }
        var ticket = StreamTicket(id: id, tenantID: tenant, sessionID: SessionID(try row.decode(column: "session_id", as: UUID.self)),
                                  messageID: MessageID(try row.decode(column: "message_id", as: UUID.self)),
                                  agentCode: try row.decode(column: "agent_code", as: String.self),
                                  expiresAt: try row.decode(column: "expires_at", as: Date.self), heldBy: holder)
        ticket.escalated = try row.decode(column: "escalated", as: Bool.self)
        return ticket.expiresAt > now ? ticket : nil
    }

    @discardableResult
    public func purge(expiredBefore cutoff: Date) async throws -> Int {
        let expired = try await StreamTicketModel.query(on: database).filter(\.$expiresAt < cutoff).count()
        guard expired > 0 else { return 0 }
        try await StreamTicketModel.query(on: database).filter(\.$expiresAt < cutoff).delete()
        return expired
    }
}
