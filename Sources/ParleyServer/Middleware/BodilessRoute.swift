import Vapor

extension RoutesBuilder {
    /// A GET route whose handler reads no body, registered so that a request without one goes
    /// straight to its handler.
    ///
    /// Vapor's async routes collect the body first whenever none has been collected yet, and for
    /// a request that has no body at all that is still a trip to the event loop and back: 76 µs
    /// of a one-visitor chat turn's 3.1 ms, measured between the caller middleware and the stream
    /// handler (2 µs for the POST, whose body is already collected). A request that announces a
    /// body is collected as before, within the routes' size limit (413 beyond it).
    @discardableResult
    func getWithoutBody<Output: AsyncResponseEncodable>(_ path: PathComponent...,
                                                        use handler: @escaping @Sendable (Request) async throws -> Output) -> Route {
        let responder = AsyncBasicResponder { request in
            if request.body.data == nil, request.announcesBody {
                let limit = request.application.routes.defaultMaxBodySize.value
                _ = try await request.eventLoop.flatSubmit { request.body.collect(max: limit) }.get()
            }
            return try await handler(request).encodeResponse(for: request)
        }
        let route = Route(method: .GET, path: path, responder: responder, requestType: Request.self, responseType: Output.self)
        add(route)
        return route
    }
}

extension Request {
    /// Whether the request's head says a body follows (HTTP/1.1: a `Content-Length` other than 0,
    /// or a `Transfer-Encoding`); without either a request has none.
    var announcesBody: Bool {
        if headers.contains(name: .transferEncoding) { return true }
        guard let length = headers.first(name: .contentLength) else { return false }
        return length.trimmingCharacters(in: .whitespaces) != "0"
    }
}
