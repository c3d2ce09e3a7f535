import NIOCore
@testable import ParleyServer
import Testing
import Vapor

/// `SameTaskMiddleware` runs the async handler after it in its own task, and still reaches a
/// responder that is not async (another middleware) through its future.
@Suite("Same-task middleware")
struct SameTaskMiddlewareTests {
    /// Puts the hash of the task it runs in on the request, under its name.
    struct TaskRecorder: SameTaskMiddleware {
        let name: String

        func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
            request.headers.replaceOrAdd(name: name, value: Self.currentTask())
            let response = try await next.respond(to: request)
            response.headers.replaceOrAdd(name: "X-After-" + name, value: "yes")
            return response
        }

        static func currentTask() -> String {
            withUnsafeCurrentTask { "\($0?.hashValue ?? 0)" }
        }
    }

    /// Answers with the task hashes the middlewares saw and the handler's own, as headers.
    func responses(_ middlewares: [TaskRecorder]) async throws -> Response {
        let app = try await Application.make(.testing)
        do {
            app.grouped(middlewares).get("probe") { request async -> Response in
                let response = Response(status: .ok)
                for middleware in middlewares {
                    response.headers.replaceOrAdd(name: middleware.name, value: request.headers.first(name: middleware.name) ?? "")
                }
                response.headers.replaceOrAdd(name: "X-Handler", value: TaskRecorder.currentTask())
                return response
            }
            try await app.asyncBoot()
            let request = Request(application: app, method: .GET, url: "/probe", on: app.eventLoopGroup.next())
            let response = try await app.responder.current.respond(to: request).get()
            try await app.asyncShutdown()
            return response
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    @Test func theHandlerRunsInTheMiddlewaresTask() async throws {
        let response = try await responses([TaskRecorder(name: "X-Caller")])
        #expect(response.status == .ok)
        let caller = try #require(response.headers.first(name: "X-Caller"))
        #expect(caller != "0")
        #expect(response.headers.first(name: "X-Handler") == caller)
        #expect(response.headers.first(name: "X-After-X-Caller") == "yes")
    }

    @Test func aMiddlewareBeforeAnotherReachesItThroughItsFuture() async throws {
        let response = try await responses([TaskRecorder(name: "X-Outer"), TaskRecorder(name: "X-Inner")])
        #expect(response.status == .ok)
        let outer = try #require(response.headers.first(name: "X-Outer"))
        let inner = try #require(response.headers.first(name: "X-Inner"))
        #expect(outer != inner, "the inner middleware's responder is not async: it runs in a task of its own")
        #expect(response.headers.first(name: "X-Handler") == inner)
        #expect(response.headers.first(name: "X-After-X-Outer") == "yes")
        #expect(response.headers.first(name: "X-After-X-Inner") == "yes")
    }
}
