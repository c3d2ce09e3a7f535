import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// Visitors' recent questions for a tenant's dense-weight fit. The read is bounded whatever the
/// tenant's history: its most recently active conversations come from
/// `sessions_tenant_activity_idx`, and only their messages are read (`messages (tenant_id,
/// session_id, created_at)`), so a tenant with millions of messages costs what one with a few
/// hundred conversations does. It reads as many conversations as questions asked for: every
/// conversation that reached the chat holds at least one.
public struct SQLVisitorQuestions: VisitorQuestionSource {
    private let sql: any SQLDatabase

    public init(database: any Database) throws {
        guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("Visitor questions need an SQL database.") }
        self.sql = sql
    }

    public func recentVisitorQuestions(tenant: TenantID, limit: Int) async throws -> [(text: String, agentCode: String)] {
        let limit = max(limit, 0)
        return try await sql.raw("""
            SELECT m.content AS content, s.agent_code AS agent_code
            FROM (SELECT id, agent_code FROM sessions WHERE tenant_id = \(bind: tenant.uuid)
                  ORDER BY last_activity_at DESC, id DESC LIMIT \(literal: limit)) s
            JOIN messages m ON m.tenant_id = \(bind: tenant.uuid) AND m.session_id = s.id
            WHERE m.role = \(bind: MessageRole.human.rawValue)
            ORDER BY m.created_at DESC, m.id DESC LIMIT \(literal: limit)
            """).all().map { row in
            (text: try row.decode(column: "content", as: String.self), agentCode: try row.decode(column: "agent_code", as: String.self))
        }
    }
}
