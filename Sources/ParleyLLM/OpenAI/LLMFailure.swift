import Logging
import ParleyCore

/// Why a call to a model failed, mapped to the `ParleyError` the visitor's `error` event carries.
public enum LLMFailure: ParleyErrorConvertible, Sendable, Equatable {
    /// The provider answered with an HTTP error status.
    case httpStatus(Int)
    /// The provider answered with an HTTP error status and asked us to wait (`Retry-After`).
    case httpStatusRetryAfter(Int, after: Duration)
    /// The provider could not be reached.
    case connection(String)
    /// No token arrived within the first-token timeout.
    case firstTokenTimeout
    /// The whole answer took longer than the overall timeout.
    case overallTimeout
    /// The stream carried an error object or ended before the model finished.
    case streamInterrupted(String)
    /// A chunk that is not valid JSON.
    case malformedChunk

    public var parleyError: ParleyError {
        switch self {
        case .httpStatusRetryAfter(let status, _):
            return LLMFailure.httpStatus(status).parleyError
        case .httpStatus(let status) where status == 401 || status == 403:
            return .upstream("llm_auth_failed", "The language model provider rejected our credentials.")
        case .httpStatus(429):
            return .upstream("llm_rate_limited", "The language model is busy right now. Please try again in a moment.")
        case .httpStatus(let status):
            return .upstream("llm_unavailable", "The language model provider answered with HTTP \(status).")
        case .connection:
            return .upstream("llm_unreachable", "The language model provider could not be reached.")
        case .firstTokenTimeout, .overallTimeout:
            return ParleyError(code: "llm_timeout", message: "The language model took too long to answer.", kind: .upstreamTimeout, logLevel: .warning)
        case .streamInterrupted:
            return .upstream("llm_interrupted", "The answer was interrupted by the language model provider.")
        case .malformedChunk:
            return .upstream("llm_malformed", "The language model provider sent a response we could not read.")
        }
    }

    /// The wait the provider asked for, if it did.
    var retryAfter: Duration? {
        if case .httpStatusRetryAfter(_, let after) = self { return after }
        return nil
    }

    /// Whether the call may be retried (only ever before the first token went out).
    var isRetryable: Bool {
        switch self {
        case .httpStatus(let status), .httpStatusRetryAfter(let status, _): return RetryPolicy.isRetryable(status: status)
        case .connection: return true
        default: return false
        }
    }
}
