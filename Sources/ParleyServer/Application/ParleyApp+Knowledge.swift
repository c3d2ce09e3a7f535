import Fluent
import Foundation
import Logging
import ParleyCore
import ParleyIngest
import ParleyRetrieval
import ParleyStore
import Vapor

extension ParleyApp {
    /// Rebuilds the in-memory indexes from the database and gives a fresh demo tenant its demo
    /// knowledge base. Sources still pending keep their jobs (a worker resumes them); only a
    /// pending source whose input is gone (left by a version before the job queue) is failed.
    static func loadKnowledge(_ app: Application, services: ParleyServices) async throws {
        let interrupted = try await services.ingestion.store.failOrphanedPending(reason: "interrupted by a restart; add the source again")
        let started = ContinuousClock.now
        // Changes from here on are followed (`IndexFollower`); re-applying one the rebuild already
        // saw changes nothing.
        await services.knowledgeCursor.reset(to: try await services.ingestion.store.latestKnowledgeChange())
        // Vectors in a persistent store (pgvector, Pinecone) stay there; only the embedded store is refilled.
        let persistent = !(services.vectors is EmbeddedVectorStore) && services.vectors != nil
        let chunks = try await services.ingestion.rebuildIndexes(withVectors: !persistent)
        if let pg = services.vectors as? PgVectorStore {
            let repaired = try await pg.repairMissing()
            if repaired > 0 { app.logger.warning("vectors restored", metadata: ["event": "pgvector_repaired", "count": "\(repaired)"]) }
        }
        let fits = try await services.loadDenseWeights(on: app.db(.parley))
        app.logger.info("knowledge base loaded", metadata: [
            "event": "knowledge_loaded", "chunks": "\(chunks)", "interrupted_sources": "\(interrupted)", "fitted_weights": "\(fits)",
            "ms": "\(started.duration(to: .now).milliseconds)",
        ])
        if services.config.app.seedDemo {
            try await DemoKnowledge.seedIfEmpty(services: services, database: app.db(.parley), logger: app.logger)
        }
    }
}
