import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// Conversation summaries in `conversation_summaries`.
public struct FluentSummaryStore: ConversationSummaryStore {
    private let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func save(_ summary: ConversationSummary, tenant: TenantID) async throws {
        guard try await SessionModel.query(on: database).filter(\.$id == summary.sessionID.uuid).filter(\.$tenantID == tenant.uuid).count() > 0 else {
            throw ParleyError.notFound("unknown_conversation", "This tenant has no such conversation.")
        }
        let row = ConversationSummaryModel()
        row.id = summary.id.uuid
        row.tenantID = tenant.uuid
        row.sessionID = summary.sessionID.uuid
        row.summary = summary.text
        row.trigger = summary.trigger.rawValue
        row.method = summary.method
        try await row.create(on: database)
    }

    public func latest(tenant: TenantID, session: SessionID) async throws -> ConversationSummary? {
        guard let row = try await ConversationSummaryModel.query(on: database).filter(\.$tenantID == tenant.uuid)
            .filter(\.$sessionID == session.uuid).sort(\.$createdAt, .descending).first(), let id = row.id else { return nil }
        return ConversationSummary(id: SummaryID(id), sessionID: session, text: row.summary,
                                   trigger: row.trigger.flatMap(ConversationSummary.Trigger.init(rawValue:)) ?? .onDemand,
                                   method: row.method ?? "extractive", createdAt: row.createdAt ?? Date())
    }

    public func idleWithoutSummary(from: Date, until: Date, limit: Int) async throws -> [(tenant: TenantID, session: SessionID, visitorWroteAt: Date)] {
        guard let sql = database as? any SQLDatabase else { return [] }
        struct Row: Decodable { var tenant_id: UUID; var id: UUID; var visitor_wrote_at: Date }
        // The quiet conversations come by their activity time. One whose visitor never wrote
        // has nothing to summarise; one summarised since its visitor's last message is done
        // until the visitor writes again. That message's time is read exactly (the activity time
        // is kept only to within half a minute, migration 028), from the conversation's end of
        // `messages (tenant_id, session_id, created_at)`.
        // MATERIALIZED: that time is read once per conversation (SQLite would otherwise inline
        // the subquery at each of its three uses).
        let rows = try await sql.raw("""
            WITH q AS MATERIALIZED (
              SELECT s.tenant_id, s.id, s.last_activity_at,
                     (SELECT MAX(m.created_at) FROM messages m
                      WHERE m.tenant_id = s.tenant_id AND m.session_id = s.id AND m.role = \(bind: MessageRole.human.rawValue)) AS visitor_wrote_at
              FROM sessions s
              WHERE s.last_activity_at >= \(bind: from) AND s.last_activity_at < \(bind: until))
            SELECT q.tenant_id, q.id, q.visitor_wrote_at FROM q
            WHERE q.visitor_wrote_at IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM conversation_summaries c
                              WHERE c.session_id = q.id AND c.tenant_id = q.tenant_id AND c.created_at >= q.visitor_wrote_at)
            ORDER BY q.last_activity_at, q.id
            LIMIT \(literal: max(0, limit))
            """).all(decoding: Row.self)
        return rows.map { (TenantID($0.tenant_id), SessionID($0.id), $0.visitor_wrote_at) }
    }
}
