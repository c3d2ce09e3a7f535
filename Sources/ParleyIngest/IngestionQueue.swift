import Foundation
import Logging
import ParleyCore

/// Runs submitted sources one at a time in the background (embedding is CPU-bound, so running
/// them in parallel would only make each slower). Sources still queued when the process stops
/// stay `pending` and are marked failed at the next start.
public actor IngestionQueue {
    private let service: IngestionService
    private var tail: Task<Void, Never>?
    private let logger = Logger(label: "parley.ingest.queue")

    public init(service: IngestionService) {
        self.service = service
    }

    /// Queues a registered source for processing.
    public func submit(_ source: KnowledgeSource, input: SourceInput) {
        let previous = tail
        tail = Task {
            await previous?.value
            do {
                _ = try await service.process(source, input: input)
            } catch {
                logger.error("ingestion failed", metadata: ["event": "ingest_error", "source_id": "\(source.id)", "error": "\(type(of: error))"])
                try? await service.store.markFailed(source.id, tenant: source.tenantID, reason: "the source could not be stored")
            }
        }
    }

    /// Waits until every submitted source has been processed.
    public func drain() async {
        while let current = tail {
            await current.value
            if tail == current { return }
        }
    }
}
