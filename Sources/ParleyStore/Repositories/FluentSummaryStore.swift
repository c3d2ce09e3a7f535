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

    public func idleWithoutSummary(from: Date, until: Date, limit: Int) async throws -> [(tenant: TenantID, session: SessionID, lastActivityAt: Date)] {
        guard let sql = database as? any SQLDatabase else { return [] }
        struct Row: Decodable { var tenant_id: UUID; var id: UUID; var last_activity_at: Date }
        // A conversation whose visitor never wrote has nothing to summarise; one summarised
        // since its last message is done until the visitor writes again.
        // SQLite, without statistics, would find the visitor's messages through the tenant index
        // (all of the tenant's messages, for every session: 110 s for 7,000 conversations of 53,000
        // messages, with the process's one connection held all along); a unary + on the tenant
        // column leaves it the session index (24 ms).
        let tenantColumn = sql.dialect.name == "sqlite" ? "+m.tenant_id" : "m.tenant_id"
        let rows = try await sql.select().columns(SQLColumn("tenant_id", table: "s"), SQLColumn("id", table: "s"), SQLColumn("last_activity_at", table: "s"))
            .from(SQLAlias(SQLIdentifier(SessionModel.schema), as: SQLIdentifier("s")))
            .where(SQLColumn("last_activity_at", table: "s"), .greaterThanOrEqual, SQLBind(from))
            .where(SQLColumn("last_activity_at", table: "s"), .lessThan, SQLBind(until))
            .where(SQLRaw("EXISTS (SELECT 1 FROM messages m WHERE m.session_id = s.id AND \(tenantColumn) = s.tenant_id AND m.role = 'human')"))
            .where(SQLRaw("NOT EXISTS (SELECT 1 FROM conversation_summaries c WHERE c.session_id = s.id AND c.tenant_id = s.tenant_id AND c.created_at >= s.last_activity_at)"))
            .orderBy(SQLColumn("last_activity_at", table: "s"))
            .limit(limit)
            .all(decoding: Row.self)
        return rows.map { (TenantID($0.tenant_id), SessionID($0.id), $0.last_activity_at) }
    }
}
