import Logging
import ParleyCore
import Vapor

/// Maps every error to a JSON error body with the right status, at one place at the edge.
/// Internal errors are logged with their type and answered with a generic message:
/// no stack trace, SQL text or secret ever reaches a client.
struct JSONErrorMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).flatMapErrorThrowing { error in
            let mapped = Self.mapAndLog(error, request)
            return ErrorBody(mapped).response(status: mapped.kind.httpStatus)
        }
    }

    /// The error as Parley's, logged once with its type when it is a 5xx (never its text, which
    /// may hold SQL or a secret); the panel's error pages use it too.
    static func mapAndLog(_ error: any Error, _ request: Request, extra: Logger.Metadata = [:]) -> ParleyError {
        let mapped = map(error)
        if mapped.kind.httpStatus.code >= 500 {
            request.logger.log(level: mapped.logLevel, "request failed", metadata: [
                "event": "http_error", "code": "\(mapped.code)", "error_type": "\(String(reflecting: type(of: error)))",
            ].merging(extra) { first, _ in first })
        }
        return mapped
    }

    static func map(_ error: any Error) -> ParleyError {
        switch error {
        case let error as ParleyError:
            return error
        case let error as any ParleyErrorConvertible:
            return error.parleyError
        case is ConfigError:
            return .internalFailure("The server is misconfigured.")
        case is DecodingError:
            return .badRequest("invalid_json", "The request body is not the JSON this endpoint expects.")
        case let abort as any AbortError:
            return map(abort)
        default:
            return .internalFailure("Something went wrong on our side. Please try again.")
        }
    }

    private static func map(_ abort: any AbortError) -> ParleyError {
        let status = Int(abort.status.code)
        switch abort.status {
        case .notFound:
            return .notFound("not_found", "There is nothing at this address.")
        case .payloadTooLarge:
            return .payloadTooLarge("The request body is too large.")
        case .unsupportedMediaType:
            return ParleyError(code: "unsupported_media_type", message: "Send the request body as application/json.", kind: .unsupportedMediaType)
        case .methodNotAllowed:
            return ParleyError(code: "method_not_allowed", message: "This address does not accept that method.", kind: .methodNotAllowed)
        case .badRequest:
            return .badRequest("bad_request", "The request is malformed.")
        case .unauthorized:
            return .unauthorized("Authentication is required.")
        case .forbidden:
            return .forbidden("This is not allowed.")
        case .conflict:
            return ParleyError(code: "conflict", message: abort.status.reasonPhrase, kind: .conflict)
        case .tooManyRequests:
            return ParleyError(code: "rate_limited", message: "Too many requests; try again later.", kind: .rateLimited)
        default:
            if status >= 500 { return .internalFailure("Something went wrong on our side.") }
            let code = abort.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
            return .badRequest(code.isEmpty ? "bad_request" : code, abort.status.reasonPhrase)
        }
    }
}
