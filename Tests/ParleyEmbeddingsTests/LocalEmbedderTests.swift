import Foundation
import ParleyCore
import ParleyEmbeddings
import ParleyTestSupport
import Testing

@Suite("Local embedder")
struct LocalEmbedderTests {
    @Test func concurrentCallersGetTheirOwnVectors() async throws {
        let embedder = LocalEmbedder(encoder: try ReferenceData.model.get(), maxBatch: 16)
        let entries = Array(try ReferenceData.entries().prefix(24))
        let results = try await withThrowingTaskGroup(of: (Int, [EmbeddingVector]).self) { group in
            for (index, entry) in entries.enumerated() {
                group.addTask { (index, try await embedder.embed([entry.text])) }
            }
            var collected: [Int: [EmbeddingVector]] = [:]
            for try await (index, vectors) in group { collected[index] = vectors }
            return collected
        }
        for (index, entry) in entries.enumerated() {
            let vector = try #require(results[index]?.first)
            #expect(vector.model == EmbeddingModelInfo(name: "all-MiniLM-L6-v2", dimension: 384))
            #expect(ReferenceData.cosine(vector.values, entry.embedding) >= 0.9999)
        }
        #expect(try await embedder.embed([]).isEmpty)
    }

    @Test func smallAndLargeBatchesAgree() async throws {
        // A single short text splits each layer's columns over the threads; a batch splits its rows.
        // Every output is the same chain of multiply-adds either way, so the vectors are identical.
        let model = try ReferenceData.model.get()
        let texts = Array(try ReferenceData.entries().prefix(40).map(\.text))
        let (together, singles) = try await offPool { (model.embed(texts), texts.map { model.embed([$0]).first ?? [] }) }
        for index in texts.indices {
            #expect(singles[index] == together[index], "text \(index)")
        }
    }
}
