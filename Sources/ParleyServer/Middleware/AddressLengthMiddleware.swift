import ParleyCore
import Vapor

/// Refuses request addresses (path and query) longer than any Parley serves, before routing
/// or any handler sees them: `414 uri_too_long`. The request line and headers together are
/// bounded earlier, by SwiftNIO's parser (80 KB), which closes the connection past it.
struct AddressLengthMiddleware: Middleware {
    /// The longest path and query Parley accepts, in bytes (a stream id is about 200).
    static let maxBytes = 8_192

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard request.url.string.utf8.count <= Self.maxBytes else {
            return request.eventLoop.makeFailedFuture(
                ParleyError(code: "uri_too_long", message: "The request address is longer than \(Self.maxBytes) bytes.", kind: .addressTooLong))
        }
        return next.respond(to: request)
    }
}
