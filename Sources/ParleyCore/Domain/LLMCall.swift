import Foundation

/// Token counts as the provider reported them (or as the offline answerer estimated them).
public struct TokenUsage: Sendable, Hashable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int { promptTokens + completionTokens }

    public init(promptTokens: Int, completionTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        promptTokens = try container.decodeIfPresent(Int.self, forKey: .promptTokens) ?? 0
        completionTokens = try container.decodeIfPresent(Int.self, forKey: .completionTokens) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(promptTokens, forKey: .promptTokens)
        try container.encode(completionTokens, forKey: .completionTokens)
        try container.encode(totalTokens, forKey: .totalTokens)
    }
}

extension TokenUsage {
    /// The usage as JSON, as its `Codable` conformance writes it, built directly.
    public var jsonValue: JSONValue {
        ["prompt_tokens": .number(Double(promptTokens)), "completion_tokens": .number(Double(completionTokens)),
         "total_tokens": .number(Double(totalTokens))]
    }
}

/// Prices per million tokens for one model.
public struct ModelPrice: Sendable, Hashable, Codable {
    public var prompt: Double
    public var completion: Double

    public init(prompt: Double, completion: Double) {
        self.prompt = prompt
        self.completion = completion
    }
}

/// How one LLM call went, written to `llm_requests` for usage and cost reporting.
public struct LLMCallRecord: Sendable {
    public var tenantID: TenantID
    public var sessionID: SessionID?
    public var provider: String
    public var model: String
    /// The wire request, with credentials removed.
    public var requestBody: JSONValue
    /// The assembled response (text, finish reason, usage) or the failure.
    public var responseBody: JSONValue
    public var usage: TokenUsage?
    public var unitPrice: ModelPrice?
    public var cost: Double?
    public var latencyMs: Int
    public var succeeded: Bool

    public init(tenantID: TenantID, sessionID: SessionID?, provider: String, model: String,
                requestBody: JSONValue, responseBody: JSONValue, usage: TokenUsage?,
                unitPrice: ModelPrice? = nil, cost: Double? = nil, latencyMs: Int, succeeded: Bool) {
        self.tenantID = tenantID
        self.sessionID = sessionID
        self.provider = provider
        self.model = model
        self.requestBody = requestBody
        self.responseBody = responseBody
        self.usage = usage
        self.unitPrice = unitPrice
        self.cost = cost
        self.latencyMs = latencyMs
        self.succeeded = succeeded
    }
}
