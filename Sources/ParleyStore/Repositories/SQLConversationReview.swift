import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// `ConversationReview` in SQL: one statement per page (sessions with their message count and
/// opening message), keyset-paged on (last activity, id) so that page 200 costs what page 1 does,
/// and a conversation that becomes active while someone pages is neither repeated nor skipped
/// among the others.
public struct SQLConversationReview: ConversationReview {
    private let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func conversations(tenant: TenantID, filter: ConversationFilter, after cursor: ConversationCursor?,
                              limit: Int) async throws -> [ConversationOverview] {
        guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("Conversation review needs an SQL database.") }
        var query = sql.select()
            .column(SQLColumn("id", table: "s")).column(SQLColumn("agent_code", table: "s"))
            .column(SQLColumn("created_at", table: "s")).column(SQLColumn("last_activity_at", table: "s"))
            .column(SQLAlias(SQLGroupExpression(sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all)).from("messages")
                .where(SQLColumn("tenant_id", table: "messages"), .equal, SQLColumn("tenant_id", table: "s"))
                .where(SQLColumn("session_id", table: "messages"), .equal, SQLColumn("id", table: "s")).select), as: SQLIdentifier("message_count")))
            .column(SQLAlias(SQLGroupExpression(sql.select().column("content").from("messages")
                .where(SQLColumn("tenant_id", table: "messages"), .equal, SQLColumn("tenant_id", table: "s"))
                .where(SQLColumn("session_id", table: "messages"), .equal, SQLColumn("id", table: "s"))
                .where("role", .equal, MessageRole.human.rawValue)
                .orderBy("created_at").limit(1).select), as: SQLIdentifier("opening")))
            .from(SQLAlias(SQLIdentifier("sessions"), as: SQLIdentifier("s")))
            .where(SQLColumn("tenant_id", table: "s"), .equal, SQLBind(tenant.uuid))
        if let agent = filter.agent { query = query.where(SQLColumn("agent_code", table: "s"), .equal, SQLBind(agent)) }
        if let from = filter.startedFrom { query = query.where(SQLColumn("created_at", table: "s"), .greaterThanOrEqual, SQLBind(from)) }
        if let before = filter.startedBefore { query = query.where(SQLColumn("created_at", table: "s"), .lessThan, SQLBind(before)) }
        if let since = filter.activeSince { query = query.where(SQLColumn("last_activity_at", table: "s"), .greaterThanOrEqual, SQLBind(since)) }
        if let since = filter.idleSince { query = query.where(SQLColumn("last_activity_at", table: "s"), .lessThan, SQLBind(since)) }
        let rows = try await query
            .keysetPage(after: cursor, time: SQLColumn("last_activity_at", table: "s"), id: SQLColumn("id", table: "s"))
            .limit(max(1, min(limit, 200)))
            .all()
        return try rows.map { row in
            let session = ChatSession(id: SessionID(try row.decode(column: "id", as: UUID.self)), tenantID: tenant,
                                      agentCode: try row.decode(column: "agent_code", as: String.self),
                                      createdAt: try row.decode(column: "created_at", as: Date.self),
                                      lastActivityAt: try row.decode(column: "last_activity_at", as: Date.self))
            let opening = try row.decode(column: "opening", as: String?.self) ?? ""
            return ConversationOverview(session: session, messageCount: Int(try row.decode(column: "message_count", as: Int64.self)),
                                        opening: opening.count > 200 ? String(opening.prefix(200)) + "…" : opening)
        }
    }

    public func modelCalls(tenant: TenantID, session: SessionID) async throws -> [ConversationModelCall] {
        try await LLMRequestModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid).filter(\.$sessionID == session.uuid)
            .sort(\.$createdAt)
            .all()
            .map { call in
                ConversationModelCall(provider: call.provider, model: call.model, promptTokens: call.promptTokens,
                                      completionTokens: call.completionTokens, cost: call.computedCost, latencyMs: call.latencyMs,
                                      succeeded: call.succeeded, createdAt: call.createdAt)
            }
    }
}
