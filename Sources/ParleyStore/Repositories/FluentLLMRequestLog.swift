import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// `LLMRequestLog` on Fluent, plus the read side used by usage reports and tests.
public struct FluentLLMRequestLog: LLMRequestLog {
    private let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    /// One INSERT written with SQLKit: every chat turn writes one row.
    public func append(_ record: LLMCallRecord) async throws {
        guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("The database does not support SQL.") }
        try await Self.insert(record, on: sql)
    }

    static func insert(_ record: LLMCallRecord, on sql: any SQLDatabase) async throws {
        try await sql.raw("\(insertion) VALUES (\(values(of: record)))").run()
    }

    static let insertion: SQLQueryString = """
        INSERT INTO llm_requests (id, tenant_id, session_id, provider, model, request_body, response_body, prompt_tokens,
                                  completion_tokens, total_tokens, unit_cost_prompt, unit_cost_completion, computed_cost,
                                  latency_ms, succeeded, created_at)
        """

    /// A row's values, in the order of `insertion`'s columns.
    static func values(of record: LLMCallRecord) -> SQLQueryString {
        """
        \(uuid: UUID.random()), \(uuid: record.tenantID.uuid), \(uuid: record.sessionID?.uuid), \(bind: record.provider),
        \(bind: record.model), \(JSONObject(record.requestBody).bound), \(JSONObject(record.responseBody).bound),
        \(bind: record.usage?.promptTokens), \(bind: record.usage?.completionTokens), \(bind: record.usage?.totalTokens),
        \(bind: record.unitPrice?.prompt), \(bind: record.unitPrice?.completion), \(bind: record.cost),
        \(bind: record.latencyMs), \(bind: record.succeeded), \(bind: Date())
        """
    }

    /// One stored call, as read back for reports.
    public struct Row: Sendable, Equatable {
        public var provider: String
        public var model: String
        public var sessionID: SessionID?
        public var promptTokens: Int?
        public var completionTokens: Int?
        public var totalTokens: Int?
        public var unitCostPrompt: Double?
        public var unitCostCompletion: Double?
        public var computedCost: Double?
        public var latencyMs: Int
        public var succeeded: Bool
        public var requestBody: JSONValue
        public var responseBody: JSONValue
    }

    /// The computed cost of the tenant's calls since `instant` (calls without a price count 0).
    public func cost(tenant: TenantID, since instant: Date) async throws -> Double {
        try await LLMRequestModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid).filter(\.$createdAt >= instant)
            .sum(\.$computedCost) ?? 0
    }

    public func rows(tenant: TenantID) async throws -> [Row] {
        try await LLMRequestModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid)
            .sort(\.$createdAt)
            .all()
            .map { model in
                Row(provider: model.provider, model: model.model, sessionID: model.sessionID.map(SessionID.init),
                    promptTokens: model.promptTokens, completionTokens: model.completionTokens,
                    totalTokens: model.totalTokens, unitCostPrompt: model.unitCostPrompt,
                    unitCostCompletion: model.unitCostCompletion, computedCost: model.computedCost,
                    latencyMs: model.latencyMs, succeeded: model.succeeded,
                    requestBody: model.requestBody.value, responseBody: model.responseBody.value)
            }
    }
}
