import Logging

/// What kind of failure an error is, in the domain's terms. Only the HTTP edge (the error
/// middleware) turns a kind into a status code; use cases never pick one.
public enum ErrorKind: String, Sendable, Equatable, CaseIterable {
    /// The input is malformed or breaks a rule.
    case invalidInput
    /// No credentials, or credentials that name no one.
    case unauthenticated
    /// Credentials that may not do this.
    case forbidden
    /// Nothing of the caller's has this id or key.
    case notFound
    /// The state changed under the request (used stream, taken slug, stale terms).
    case conflict
    /// It existed and has expired.
    case expired
    case tooLarge
    /// The request's address is longer than any Parley serves.
    case addressTooLong
    /// Too many requests from this caller; try again later.
    case rateLimited
    case unsupportedMediaType
    case methodNotAllowed
    /// The caller went away before the work finished.
    case clientGone
    /// An upstream service (LLM provider, vector store) failed.
    case upstreamFailed
    /// An upstream service did not answer in time.
    case upstreamTimeout
    /// Our own failure.
    case internalFailure
}

/// The one error type that crosses target boundaries. It carries a stable snake_case `code`
/// for API clients, a human `message` that is safe to show (never a secret or a stack trace),
/// the `kind` of failure (which the edge maps to a status), and the level at which it is worth logging.
public struct ParleyError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: String
    public let message: String
    public let kind: ErrorKind
    public let logLevel: Logger.Level
    /// For `rateLimited` (and a busy upstream): whole seconds after which trying again can succeed.
    public let retryAfterSeconds: Int?

    public init(code: String, message: String, kind: ErrorKind, logLevel: Logger.Level = .info, retryAfterSeconds: Int? = nil) {
        self.retryAfterSeconds = retryAfterSeconds
        self.code = code
        self.message = message
        self.kind = kind
        self.logLevel = logLevel
    }

    public var description: String { "\(code): \(message)" }
}

extension ParleyError {
    public static func badRequest(_ code: String, _ message: String) -> ParleyError {
        ParleyError(code: code, message: message, kind: .invalidInput)
    }

    public static func notFound(_ code: String, _ message: String) -> ParleyError {
        ParleyError(code: code, message: message, kind: .notFound)
    }

    public static func unauthorized(_ message: String) -> ParleyError {
        ParleyError(code: "unauthorized", message: message, kind: .unauthenticated)
    }

    public static func forbidden(_ message: String) -> ParleyError {
        ParleyError(code: "forbidden", message: message, kind: .forbidden)
    }

    public static func payloadTooLarge(_ message: String) -> ParleyError {
        ParleyError(code: "payload_too_large", message: message, kind: .tooLarge)
    }

    public static func upstream(_ code: String, _ message: String) -> ParleyError {
        ParleyError(code: code, message: message, kind: .upstreamFailed, logLevel: .warning)
    }

    public static func internalFailure(_ message: String) -> ParleyError {
        ParleyError(code: "internal_error", message: message, kind: .internalFailure, logLevel: .error)
    }

    public static let unknownAgent = ParleyError.notFound("unknown_agent", "No such agent is enabled for this site.")
    public static let unknownTenant = ParleyError.notFound("unknown_tenant", "No active site matches this key.")
}

/// Errors of other targets (such as the LLM client's) that know their `ParleyError`,
/// so that code mapping errors to HTTP needs no knowledge of every target's error type.
public protocol ParleyErrorConvertible: Error {
    var parleyError: ParleyError { get }
}
