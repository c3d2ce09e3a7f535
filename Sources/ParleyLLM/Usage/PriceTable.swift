import Foundation
import ParleyCore

/// Prices per million tokens by model name, from `llm.prices` in parley.yaml.
/// A model without a price costs nothing, which the usage report shows as unpriced.
public struct PriceTable: Sendable {
    private let prices: [String: ModelPrice]

    public init(_ prices: [String: ModelPrice]) {
        self.prices = prices
    }

    public func price(for model: String) -> ModelPrice? {
        prices[model]
    }

    /// The cost of a call in the price table's currency, or nil when the model has no price
    /// or the provider reported no usage.
    public func cost(model: String, usage: TokenUsage?) -> Double? {
        guard let usage, let price = prices[model] else { return nil }
        return (Double(usage.promptTokens) * price.prompt + Double(usage.completionTokens) * price.completion) / 1_000_000
    }
}

/// Prices each call and writes it to the `llm_requests` log. A failure to write is logged,
/// never thrown into the chat turn: usage accounting must not break a visitor's answer.
public struct PricingRecorder: LLMCallRecorder {
    private let prices: PriceTable
    private let log: any LLMRequestLog
    private let redactor: Redactor

    public init(prices: PriceTable, log: any LLMRequestLog, redactor: Redactor) {
        self.prices = prices
        self.log = log
        self.redactor = redactor
    }

    public func record(_ call: LLMCallRecord) async {
        var priced = call
        priced.unitPrice = prices.price(for: call.model)
        priced.cost = prices.cost(model: call.model, usage: call.usage)
        priced.requestBody = redactor.redact(call.requestBody)
        priced.responseBody = redactor.redact(call.responseBody)
        try? await log.append(priced)
    }
}
