import Foundation
import ParleyCore
import ParleyJobs

/// Adding a source to a knowledge base: record it, keep its input, queue its ingestion job.
/// The API and `parley ingest` both come through here, so a source is always ingested by a
/// worker, survives a restart while it waits, and never runs beside the queue.
public struct SourceSubmission: Sendable {
    public struct Submitted: Sendable {
        public var source: KnowledgeSource
        /// Whether this created the source (not a new version of one added from the same locator).
        public var isNew: Bool
        public var job: JobID
    }

    public let ingestion: IngestionService
    public let jobs: JobQueue

    public init(ingestion: IngestionService, jobs: JobQueue) {
        self.ingestion = ingestion
        self.jobs = jobs
    }

    /// Refuses an input past the tenant's source or stored-text quota (`quota_exceeded`) before anything is written.
    public func submit(_ input: SourceInput, tenant: TenantID) async throws -> Submitted {
        try await ingestion.checkSubmission(input, tenant: tenant)
        let (source, isNew) = try await ingestion.register(input, tenant: tenant)
        try await ingestion.store.savePendingInput(PendingSourceInput(input, source: source))
        guard let job = try await jobs.enqueue(IngestSourceJob.self, .init(sourceID: source.id), tenant: tenant) else {
            throw ParleyError.internalFailure("The ingestion job could not be queued.")
        }
        return Submitted(source: source, isNew: isNew, job: job)
    }

    /// Waits for a submitted source's job to finish (at most `timeout`); returns the source as it is then.
    public func waitForIngestion(_ submitted: Submitted, timeout: Duration) async throws -> KnowledgeSource {
        _ = try await jobs.store.waitUntilFinished(submitted.job, timeout: timeout)
        return try await ingestion.store.source(submitted.source.id, tenant: submitted.source.tenantID) ?? submitted.source
    }
}
