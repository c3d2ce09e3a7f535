import Foundation

/// Exponential backoff with full jitter, for calls that failed before any token went out.
public struct RetryPolicy: Sendable {
    public var maxRetries: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxRetries: Int, baseDelay: Duration, maxDelay: Duration = .seconds(10)) {
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The wait before retry number `attempt` (1-based). A server's `Retry-After`, when given,
    /// is honoured up to `maxDelay`.
    public func delay(beforeRetry attempt: Int, retryAfter: Duration? = nil) -> Duration {
        if let retryAfter { return min(retryAfter, maxDelay) }
        let exponent = min(attempt - 1, 16)
        let ceiling = min(baseDelay * (1 << exponent), maxDelay)
        let fraction = Double.random(in: 0.5...1.0)
        return ceiling * fraction
    }

    /// Whether an HTTP status is worth retrying: rate limits and server errors.
    public static func isRetryable(status: Int) -> Bool {
        status == 429 || status == 408 || (500...599).contains(status)
    }
}
