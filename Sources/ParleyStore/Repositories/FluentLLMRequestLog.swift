import FluentKit
import Foundation
import ParleyCore

/// `LLMRequestLog` on Fluent, plus the read side used by usage reports and tests.
public struct FluentLLMRequestLog: LLMRequestLog {
    private let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func append(_ record: LLMCallRecord) async throws {
        try await LLMRequestModel(record, now: Date()).create(on: database)
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
