import Foundation
import ParleyCore
import ParleyIngest
import ParleyRetrieval

/// Ingests a BEIR-format corpus as text sources of one tenant, for the evaluations that run on a
/// scratch tenant: many sources at a time, so that the embedder batches them together.
struct CorpusIngestion {
    struct Result {
        /// The corpus document each stored chunk came from.
        var documentOfChunk: [ChunkID: String] = [:]
        var failed = 0
        var seconds = 0.0
    }

    let service: IngestionService

    func ingest(_ documents: [BEIRDataset.Document], tenant: TenantID) async throws -> Result {
        let started = ContinuousClock.now
        var result = Result()
        var done = 0
        let progress = ProgressBar(total: documents.count, label: "ingest")
        let service = self.service
        try await withThrowingTaskGroup(of: (String, IngestionOutcome).self) { group in
            var next = 0
            func addTask() {
                let document = documents[next]
                next += 1
                group.addTask {
                    let input = SourceInput(kind: .text, title: document.title, locator: "beir:\(document.id)", payload: .text(document.text))
                    return (document.id, try await service.ingest(input, tenant: tenant))
                }
            }
            for _ in 0 ..< min(64, documents.count) { addTask() }
            while let (id, outcome) = try await group.next() {
                if outcome.change == .failed { result.failed += 1 }
                for chunk in outcome.chunkIDs { result.documentOfChunk[chunk] = id }
                done += 1
                progress.update(done)
                if next < documents.count { addTask() }
            }
        }
        progress.finish()
        result.seconds = started.duration(to: .now).seconds
        return result
    }
}
