import Logging
import Metrics
import ParleyCore
import Vapor

/// Logs one line per request with method, path (never the query string, which may hold a
/// stream id), status and latency, and tags the request's logger with `request_id`; counts it in
/// `parley_http_requests_total` and `parley_http_request_seconds` by route (the route's pattern,
/// never the path, so ids and hostile paths cannot multiply the series), method and status.
///
/// Future-based, like every application-wide middleware (see `ParleyApp`): it waits for nothing of its own.
struct RequestLogMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let started = ContinuousClock.now
        let requestID = request.headers.first(name: "X-Request-ID").flatMap(Self.sanitized) ?? request.id
        request.logger[metadataKey: "request_id"] = .string(requestID)
        request.logger[metadataKey: "request-id"] = nil
        return next.respond(to: request).map { response in
            response.headers.replaceOrAdd(name: "X-Request-ID", value: requestID)
            log(request, status: Int(response.status.code), started: started)
            return response
        }.flatMapErrorThrowing { error in
            log(request, status: 500, started: started)
            throw error
        }
    }

    private func log(_ request: Request, status: Int, started: ContinuousClock.Instant) {
        let elapsed = started.duration(to: .now)
        let dimensions = [("route", Self.route(of: request)), ("method", request.method.rawValue), ("status", String(status))]
        Counter(label: "parley_http_requests_total", dimensions: dimensions).increment()
        Metrics.Timer(label: "parley_http_request_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds).recordElapsed(since: started)
        let milliseconds = elapsed.milliseconds
        request.logger.info("\(request.method.rawValue) \(Self.bounded(request.url.path))", metadata: [
            "event": "http_request", "status": "\(status)", "latency_ms": "\(Int(milliseconds.rounded()))",
        ])
    }

    /// The matched route's pattern (`/a/:agent/chat`), or `unmatched`.
    static func route(of request: Request) -> String {
        guard let route = request.route else { return "unmatched" }
        return "/" + route.path.map(\.description).joined(separator: "/")
    }

    /// A path as logged: at most 512 characters, so that a hostile 80 KB path costs a log line
    /// (and its redaction) no more than an ordinary one.
    static func bounded(_ path: String) -> String {
        let limit = 512
        guard path.utf8.count > limit else { return path }
        return String(path.prefix(limit)) + "…(\(path.utf8.count) bytes)"
    }

    /// Accepts a caller's request id only if it is short and plain.
    private static func sanitized(_ value: String) -> String? {
        guard (1...64).contains(value.count),
              value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        return value
    }
}
