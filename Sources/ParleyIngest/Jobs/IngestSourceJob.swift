import Foundation
import Logging
import ParleyCore
import ParleyJobs

/// The job that reads, chunks, embeds and stores one submitted source. It runs on any worker
/// process; a restart resumes it (its input waits in `source_inputs`), and running it twice is
/// harmless: the content hash makes a second run a no-op, and chunks are replaced, not added.
/// A source that cannot be read is an outcome (the source is `failed` with its reason), not a
/// job failure; only storage errors are retried.
public struct IngestSourceJob: JobHandler {
    public struct Payload: Codable, Sendable {
        public var sourceID: SourceID

        public init(sourceID: SourceID) { self.sourceID = sourceID }

        enum CodingKeys: String, CodingKey { case sourceID = "source_id" }
    }

    public static let kind: JobKind = "ingest.source"
    let ingestion: IngestionService

    public init(ingestion: IngestionService) {
        self.ingestion = ingestion
    }

    public func run(_ payload: Payload, context: JobContext) async throws {
        guard let tenant = context.tenantID else { throw PermanentJobFailure("an ingestion job must name its tenant") }
        let store = ingestion.store
        // Deleted meanwhile: nothing to do.
        guard let source = try await store.source(payload.sourceID, tenant: tenant) else { return }
        guard let pending = try await store.pendingInput(of: source.id, tenant: tenant) else {
            // A run that finished after writing its outcome but before completing the job.
            if source.status == .pending { try await store.markFailed(source.id, tenant: tenant, reason: "the submitted content was lost; add the source again") }
            return
        }
        guard let input = pending.sourceInput else {
            try await store.markFailed(source.id, tenant: tenant, reason: "the submitted URL cannot be read")
            try await store.deletePendingInput(of: source.id, tenant: tenant)
            return
        }
        do {
            let outcome = try await ingestion.process(source, input: input)
            context.logger.info("source ingested", metadata: ["event": "ingest_job_done", "outcome": "\(outcome.change.rawValue)"])
        } catch {
            if context.attempt >= context.maxAttempts {
                try? await store.markFailed(source.id, tenant: tenant, reason: "the source could not be stored")
                try? await store.deletePendingInput(of: source.id, tenant: tenant)
            }
            throw error
        }
        try await store.deletePendingInput(of: source.id, tenant: tenant)
    }
}
