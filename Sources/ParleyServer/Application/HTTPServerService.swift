import Foundation
import Logging
import ParleyChat
import ParleyCore
import ParleyHandoff
import ServiceLifecycle
import Vapor

/// The HTTP server as a swift-service-lifecycle `Service`, so `parley serve` runs it in one
/// `ServiceGroup` with its workers and index follower. The server is started before the group
/// runs (so a port that cannot be bound fails the command at once); on graceful shutdown
/// (SIGTERM, SIGINT) the answers being streamed get `app.shutdown_grace_seconds` to finish, then
/// the server stops.
public struct HTTPServerService: Service {
    let app: Application
    private let logger: Logger

    public init(app: Application, logger: Logger = Logger(label: "parley.serve")) {
        self.app = app
        self.logger = logger
    }

    public func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            // Cancelled: stop at once.
            await app.server.shutdown()
            throw error
        }
        let services = app.parley
        let active = await services.streams.count
        logger.info("shutting down", metadata: ["event": "server_stopping", "active_streams": "\(active)"])
        // Live channels would never end by themselves: their clients reconnect to another process.
        await services.localEvents.shutdown()
        // Answers prepared for a stream request that has not come will not be streamed by this process.
        await services.preparedTurns.abandonAll()
        let drained = await services.streams.drain(timeout: .milliseconds(Int64(services.config.app.shutdownGraceSeconds * 1000)))
        await app.server.shutdown()
        logger.info("stopped", metadata: ["event": "server_stopped", "streams_drained": "\(drained)"])
    }
}
