import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// `UsageReport` as one grouped statement over `llm_requests` (joined to its conversation for
/// the agent), so a month of calls is summed by the database, not carried into the server.
public struct SQLUsageReport: UsageReport {
    private let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func daily(tenant: TenantID, from: Date, to: Date) async throws -> [DailyUsage] {
        guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("Usage reports need an SQL database.") }
        // SQLite keeps times as seconds since 1970; PostgreSQL as timestamps.
        let day = sql.dialect.name == "postgresql" ? "to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')" : "strftime('%Y-%m-%d', r.created_at, 'unixepoch')"
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: day) AS day, COALESCE(s.agent_code, '-') AS agent, r.model AS model,
                   CAST(COUNT(*) AS BIGINT) AS calls,
                   CAST(SUM(CASE WHEN r.succeeded THEN 0 ELSE 1 END) AS BIGINT) AS failed,
                   CAST(COALESCE(SUM(r.prompt_tokens), 0) AS BIGINT) AS prompt_tokens,
                   CAST(COALESCE(SUM(r.completion_tokens), 0) AS BIGINT) AS completion_tokens,
                   CAST(COALESCE(SUM(r.computed_cost), 0) AS DOUBLE PRECISION) AS cost
            FROM llm_requests r LEFT JOIN sessions s ON s.id = r.session_id AND s.tenant_id = r.tenant_id
            WHERE r.tenant_id = \(bind: tenant.uuid) AND r.created_at >= \(bind: from) AND r.created_at < \(bind: to)
            GROUP BY 1, 2, 3
            ORDER BY 1, 2, 3
            """).all()
        return try rows.map { row in
            DailyUsage(day: try row.decode(column: "day", as: String.self), agent: try row.decode(column: "agent", as: String.self),
                       model: try row.decode(column: "model", as: String.self), calls: Int(try row.decode(column: "calls", as: Int64.self)),
                       failedCalls: Int(try row.decode(column: "failed", as: Int64.self)),
                       promptTokens: Int(try row.decode(column: "prompt_tokens", as: Int64.self)),
                       completionTokens: Int(try row.decode(column: "completion_tokens", as: Int64.self)),
                       cost: try row.decode(column: "cost", as: Double.self))
        }
    }
}
