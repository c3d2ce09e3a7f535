import Vapor

/// Marks every response that did not ask for compression as not to be compressed.
///
/// Parley compresses only what asks for it (the widget's script and stylesheet set
/// `responseCompression = .enable`); everything else is already left uncompressed by the server's
/// configuration. But Vapor's compressor decides that per response by parsing its `Content-Type`
/// into media-type directives whenever the client accepts gzip (every browser does), and that
/// parse was 1.7% of the server's CPU at 64 visitors: the explicit marker answers first.
///
/// Future-based, like every application-wide middleware (see `ParleyApp`).
struct UncompressedByDefaultMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).map { response in
            if !response.headers.contains(name: .xVaporResponseCompression) {
                response.headers.add(name: .xVaporResponseCompression, value: "disable")
            }
            return response
        }
    }
}
