import NIOCore
import Vapor

/// An `AsyncMiddleware` that calls the async handler after it in its own task.
///
/// Vapor runs an `AsyncMiddleware` in a task of its own and reaches the next responder through
/// its future, so a route's async handler starts a second task: two task starts and two more
/// thread hops for every request. When the next responder is async (the route's handler), this
/// calls it directly; otherwise (another middleware follows) it goes through its future as Vapor does.
protocol SameTaskMiddleware: AsyncMiddleware {}

extension SameTaskMiddleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        request.eventLoop.makeFutureWithTask {
            let asyncNext = (next as? any AsyncResponder) ?? AsyncBasicResponder { try await next.respond(to: $0).get() }
            return try await respond(to: request, chainingTo: asyncNext)
        }
    }
}
