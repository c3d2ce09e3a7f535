import Foundation
import ParleyCore
import Metrics

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

/// Prices each call and writes it to the `llm_requests` log, or hands it to the turn that writes
/// it with its answer (`LLMCallContext.batch`). A failure to write is never thrown into the chat
/// turn: usage accounting must not break a visitor's answer.
public struct PricingRecorder: LLMCallRecorder {
    private let prices: PriceTable
    private let log: any LLMRequestLog
    private let redactor: Redactor

    public init(prices: PriceTable, log: any LLMRequestLog, redactor: Redactor) {
        self.prices = prices
        self.log = log
        self.redactor = redactor
    }

    public func record(_ call: LLMCallRecord, context: LLMCallContext) async {
        var priced = call
        priced.unitPrice = prices.price(for: call.model)
        priced.cost = prices.cost(model: call.model, usage: call.usage)
        priced.requestBody = redactor.redact(call.requestBody)
        priced.responseBody = redactor.redact(call.responseBody)
        Self.count(priced)
        if let batch = context.batch, await batch.add(priced) { return }
        // Outside the caller's task: a call cut short by a visitor who left (or a prepared answer
        // abandoned) runs in a cancelled task, and a database write there may be refused.
        let log = self.log
        await Task { try? await log.append(priced) }.value
    }

    /// `parley_llm_calls_total`, `parley_llm_tokens_total` and `parley_llm_cost_total` by tenant
    /// and model (swift-metrics; `/metrics` exports them).
    static func count(_ call: LLMCallRecord) {
        let labels = [("tenant", call.tenantID.description), ("model", call.model)]
        Counter(label: "parley_llm_calls_total", dimensions: labels + [("outcome", call.succeeded ? "ok" : "failed")]).increment()
        if let usage = call.usage {
            Counter(label: "parley_llm_tokens_total", dimensions: labels + [("kind", "prompt")]).increment(by: usage.promptTokens)
            Counter(label: "parley_llm_tokens_total", dimensions: labels + [("kind", "completion")]).increment(by: usage.completionTokens)
        }
        if let cost = call.cost, cost > 0 {
            FloatingPointCounter(label: "parley_llm_cost_total", dimensions: labels).increment(by: cost)
        }
    }
}
