import Foundation
import ParleyEmbeddings
import ParleyTestSupport
import Testing

/// Our tokenizer and encoder against sentence-transformers' outputs for 72 texts.
/// Encoding (slow in debug builds) runs through `offPool`, off the concurrency pool that every
/// other test's tasks need.
@Suite("MiniLM against the reference")
struct ReferenceEmbeddingTests {
    @Test func referenceFileIsPresent() throws {
        #expect(try ReferenceData.entries().count == ReferenceData.expectedCount)
    }

    @Test func tokenIDsMatchForEveryText() async throws {
        let model = try ReferenceData.model.get()
        let texts = try ReferenceData.entries().map(\.text)
        let encoded = try await offPool { texts.map { model.tokenizer.encode($0) } }
        for (entry, ids) in zip(try ReferenceData.entries(), encoded) {
            #expect(ids == entry.inputIDs, "text: \(entry.text.prefix(80))")
        }
    }

    @Test func embeddingsMatchForEveryText() async throws {
        let model = try ReferenceData.model.get()
        let texts = try ReferenceData.entries().map(\.text)
        let vectors = try await offPool { texts.map { model.embed([$0]).first ?? [] } }
        var worst = 1.0
        for (entry, vector) in zip(try ReferenceData.entries(), vectors) {
            #expect(vector.count == 384)
            let cosine = ReferenceData.cosine(vector, entry.embedding)
            worst = min(worst, cosine)
            #expect(cosine >= 0.9999, "text: \(entry.text.prefix(80)) cosine \(cosine)")
            let maxDifference = zip(vector, entry.embedding).map { abs($0 - $1) }.max() ?? 1
            #expect(maxDifference <= 1e-4, "text: \(entry.text.prefix(80)) max abs diff \(maxDifference)")
        }
        #expect(worst >= 0.9999)
    }

    @Test func aBatchGivesTheSameVectorsAsOneAtATime() async throws {
        let model = try ReferenceData.model.get()
        let texts = try ReferenceData.entries().map(\.text)
        let (batched, singles) = try await offPool { (model.embed(texts), texts.map { model.embed([$0]).first ?? [] }) }
        for index in texts.indices {
            let alone = singles[index]
            let difference = zip(alone, batched[index]).map { abs($0 - $1) }.max() ?? 1
            #expect(alone.count == 384 && difference == 0, "text \(index): max abs difference \(difference)")
        }
    }
}
