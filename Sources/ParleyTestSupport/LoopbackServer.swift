import Foundation
import ParleyCore
import Vapor

/// A Vapor application listening on a free loopback port: the base of every local fake server.
/// `routes` registers the fake's handlers before the server starts.
public struct LoopbackServer: Sendable {
    public let app: Application
    public let port: Int

    public static func start(_ routes: (Application) throws -> Void) async throws -> LoopbackServer {
        TestLogging.bootstrap()
        let app = try await Application.make(.testing)
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = 0
        do {
            try routes(app)
            try await app.server.start()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        guard let port = app.http.server.shared.localAddress?.port else {
            try? await app.asyncShutdown()
            throw ParleyError.internalFailure("a loopback server has no port")
        }
        return LoopbackServer(app: app, port: port)
    }

    public func stop() async {
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }
}
