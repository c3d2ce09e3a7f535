import Fluent
import Foundation
import Logging
import ParleyCore
import ParleyIngest
import ParleyRetrieval
import Vapor

extension ParleyApp {
    /// Marks sources a stopped process left pending as failed, rebuilds the in-memory indexes
    /// from the database, and gives a fresh demo tenant its demo knowledge base.
    static func loadKnowledge(_ app: Application, services: ParleyServices) async throws {
        let interrupted = try await services.ingestion.store.failInterrupted(reason: "interrupted by a restart; add the source again")
        let started = ContinuousClock.now
        let chunks = try await services.ingestion.rebuildIndexes()
        app.logger.info("knowledge base loaded", metadata: [
            "event": "knowledge_loaded", "chunks": "\(chunks)", "interrupted_sources": "\(interrupted)",
            "ms": "\(started.duration(to: .now).milliseconds)",
        ])
        if services.config.app.seedDemo {
            try await DemoKnowledge.seedIfEmpty(services: services, database: app.db(.parley), logger: app.logger)
        }
    }
}
