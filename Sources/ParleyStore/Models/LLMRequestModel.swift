import FluentKit
import Foundation
import ParleyCore

/// Row of `llm_requests`: one call to a model, with tokens, unit prices, cost and latency.
final class LLMRequestModel: Model, @unchecked Sendable {
    static let schema = "llm_requests"

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @OptionalField(key: "session_id") var sessionID: UUID?
    @Field(key: "provider") var provider: String
    @Field(key: "model") var model: String
    @Field(key: "request_body") var requestBody: JSONObject
    @Field(key: "response_body") var responseBody: JSONObject
    @OptionalField(key: "prompt_tokens") var promptTokens: Int?
    @OptionalField(key: "completion_tokens") var completionTokens: Int?
    @OptionalField(key: "total_tokens") var totalTokens: Int?
    @OptionalField(key: "unit_cost_prompt") var unitCostPrompt: Double?
    @OptionalField(key: "unit_cost_completion") var unitCostCompletion: Double?
    @OptionalField(key: "computed_cost") var computedCost: Double?
    @Field(key: "latency_ms") var latencyMs: Int
    @Field(key: "succeeded") var succeeded: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}

}
