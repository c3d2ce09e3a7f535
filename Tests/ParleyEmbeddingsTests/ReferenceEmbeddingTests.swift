import Foundation
import ParleyEmbeddings
import Testing

/// Our tokenizer and encoder against sentence-transformers' outputs for 72 texts.
@Suite("MiniLM against the reference")
struct ReferenceEmbeddingTests {
    @Test func referenceFileIsPresent() {
        #expect(ReferenceData.entries.count == 72)
    }

    @Test func tokenIDsMatchForEveryText() throws {
        let model = try ReferenceData.model.get()
        for entry in ReferenceData.entries {
            #expect(model.tokenizer.encode(entry.text) == entry.inputIDs, "text: \(entry.text.prefix(80))")
        }
    }

    @Test func embeddingsMatchForEveryText() throws {
        let model = try ReferenceData.model.get()
        var worst = 1.0
        for entry in ReferenceData.entries {
            let vector = try #require(model.embed([entry.text]).first)
            #expect(vector.count == 384)
            let cosine = ReferenceData.cosine(vector, entry.embedding)
            worst = min(worst, cosine)
            #expect(cosine >= 0.9999, "text: \(entry.text.prefix(80)) cosine \(cosine)")
            let maxDifference = zip(vector, entry.embedding).map { abs($0 - $1) }.max() ?? 1
            #expect(maxDifference <= 1e-4, "text: \(entry.text.prefix(80)) max abs diff \(maxDifference)")
        }
        #expect(worst >= 0.9999)
    }

    @Test func aBatchGivesTheSameVectorsAsOneAtATime() throws {
        let model = try ReferenceData.model.get()
        let texts = ReferenceData.entries.map(\.text)
        let batched = model.embed(texts)
        for (index, text) in texts.enumerated() {
            let alone = try #require(model.embed([text]).first)
            let difference = zip(alone, batched[index]).map { abs($0 - $1) }.max() ?? 1
            #expect(difference <= 1e-5, "text \(index)")
        }
    }
}
