import Logging

/// The one error type that crosses target boundaries. It carries a stable snake_case `code`
/// for API clients, a human `message` that is safe to show (never a secret or a stack trace),
/// the HTTP status the edge should use, and the level at which it is worth logging.
public struct ParleyError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: String
    public let message: String
    public let status: Int
    public let logLevel: Logger.Level

    public init(code: String, message: String, status: Int, logLevel: Logger.Level = .info) {
        self.code = code
        self.message = message
        self.status = status
        self.logLevel = logLevel
    }

    public var description: String { "\(code): \(message)" }
}

extension ParleyError {
    public static func badRequest(_ code: String, _ message: String) -> ParleyError {
        ParleyError(code: code, message: message, status: 400)
    }

    public static func notFound(_ code: String, _ message: String) -> ParleyError {
        ParleyError(code: code, message: message, status: 404)
    }

    public static func unauthorized(_ message: String) -> ParleyError {
        ParleyError(code: "unauthorized", message: message, status: 401)
    }

    public static func forbidden(_ message: String) -> ParleyError {
        ParleyError(code: "forbidden", message: message, status: 403)
    }

    public static func payloadTooLarge(_ message: String) -> ParleyError {
        ParleyError(code: "payload_too_large", message: message, status: 413)
    }

    public static func upstream(_ code: String, _ message: String) -> ParleyError {
        ParleyError(code: code, message: message, status: 502, logLevel: .warning)
    }

    public static func internalFailure(_ message: String) -> ParleyError {
        ParleyError(code: "internal_error", message: message, status: 500, logLevel: .error)
    }

    public static let unknownAgent = ParleyError.notFound("unknown_agent", "No such agent is enabled for this site.")
    public static let unknownTenant = ParleyError.notFound("unknown_tenant", "No active site matches this key.")
}

/// Errors of other targets (such as the LLM client's) that know their `ParleyError`,
/// so that code mapping errors to HTTP needs no knowledge of every target's error type.
public protocol ParleyErrorConvertible: Error {
    var parleyError: ParleyError { get }
}
