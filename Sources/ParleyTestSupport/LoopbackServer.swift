import Foundation
import ParleyCore
import Vapor

/// A Vapor application listening on a free loopback port: the base of every local fake server.
/// `routes` registers the fake's handlers before the server starts.
public struct LoopbackServer: Sendable {
    public let app: Application
    public let port: Int

    /// `host` is any address of the loopback network (127.0.0.0/8): tests that need two
    /// "machines" on one port number use 127.0.0.1 and 127.0.0.2.
    public static func start(host: String = "127.0.0.1", port: Int = 0, _ routes: (Application) throws -> Void) async throws -> LoopbackServer {
        TestLogging.bootstrap()
        let app = try await Application.make(.testing)
        app.http.server.configuration.hostname = host
        app.http.server.configuration.port = port
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
