import ParleyCore
import ParleyLLM
import Testing

@Suite("Prices")
struct PriceTableTests {
    @Test func costIsPerMillionTokens() {
        let table = PriceTable(["m": ModelPrice(prompt: 0.5, completion: 1.5)])
        let cost = table.cost(model: "m", usage: TokenUsage(promptTokens: 2_000, completionTokens: 1_000))
        #expect(cost == (2_000 * 0.5 + 1_000 * 1.5) / 1_000_000)
        #expect(table.cost(model: "unknown", usage: TokenUsage(promptTokens: 1, completionTokens: 1)) == nil)
        #expect(table.cost(model: "m", usage: nil) == nil)
    }

    @Test func backoffGrowsAndIsJittered() {
        let policy = RetryPolicy(maxRetries: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        for attempt in 1...5 {
            let delay = policy.delay(beforeRetry: attempt)
            let ceiling = min(Duration.milliseconds(100) * (1 << (attempt - 1)), .seconds(1))
            #expect(delay <= ceiling)
            #expect(delay >= ceiling / 2)
        }
        #expect(RetryPolicy.isRetryable(status: 429))
        #expect(RetryPolicy.isRetryable(status: 502))
        #expect(!RetryPolicy.isRetryable(status: 400))
    }
}
