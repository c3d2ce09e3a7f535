import Foundation
import ParleyCore
@testable import ParleyRetrieval
import Testing

@Suite("Dense weight from the retrievers' decisiveness")
struct DecisivenessWeightTests {
    let x = ChunkID(), y = ChunkID(), z = ChunkID()

    @Test func marginIsBestMinusSecondOnFusionsScales() {
        // BM25 12 and 9 of an attainable 20: shares 0.6 and 0.45; cosines 0.8, 0.5, 0.7 in any order.
        let margins = DecisivenessWeight.Margins(
            lexical: [.init(id: x, score: 12), .init(id: y, score: 9)],
            dense: [.init(id: y, score: 0.5), .init(id: x, score: 0.8), .init(id: z, score: 0.7)], lexicalCeiling: 20)
        #expect(abs(margins.lexical - 0.15) < 1e-12)
        #expect(abs(margins.dense - 0.1) < 1e-12)
        // A lexical list of one stands its whole share above BM25's floor, 0; a dense list of one
        // (cosines have no floor) or an empty list separates nothing.
        let single = DecisivenessWeight.Margins(lexical: [.init(id: x, score: 5)], dense: [.init(id: y, score: 0.9)], lexicalCeiling: 10)
        #expect(single == .init(lexical: 0.5, dense: 0))
        #expect(DecisivenessWeight.Margins(lexical: [], dense: [], lexicalCeiling: 10) == .init(lexical: 0, dense: 0))
        // Without a ceiling the list's own best score is the scale.
        let unscaled = DecisivenessWeight.Margins(lexical: [.init(id: x, score: 8), .init(id: y, score: 2)], dense: [], lexicalCeiling: 0)
        #expect(abs(unscaled.lexical - 0.75) < 1e-12)
    }

    @Test func weightSharpensTheRatioOfMedianMargins() throws {
        // Medians: dense 0.2, lexical 0.1 -> ratio 2/3 -> (2/3)^1.5 / ((2/3)^1.5 + (1/3)^1.5) = 2^1.5 / (2^1.5 + 1) = 0.7388.
        let margins: [DecisivenessWeight.Margins] = [
            .init(lexical: 0.1, dense: 0.2), .init(lexical: 0.9, dense: 0.0), .init(lexical: 0.05, dense: 0.3),
        ]
        #expect(try #require(DecisivenessWeight.weight(margins)) == 0.74)
        // Equal medians keep the weights equal; the mirror image gives the mirrored weight.
        #expect(DecisivenessWeight.weight([.init(lexical: 0.3, dense: 0.3)]) == 0.5)
        #expect(DecisivenessWeight.weight(margins.map { .init(lexical: $0.dense, dense: $0.lexical) }) == 0.26)
        // One question with an exact lexical match does not decide for the others (median, not mean).
        let mostlyDense = Array(repeating: DecisivenessWeight.Margins(lexical: 0.02, dense: 0.1), count: 9) + [.init(lexical: 0.9, dense: 0)]
        #expect(try #require(DecisivenessWeight.weight(mostlyDense)) > 0.9)
    }

    @Test func noQuestionsOrNoMarginsGiveNoWeight() {
        #expect(DecisivenessWeight.weight([]) == nil)
        #expect(DecisivenessWeight.weight([.init(lexical: 0, dense: 0), .init(lexical: 0, dense: 0)]) == nil)
        #expect(DecisivenessWeight.interval([]) == nil)
        #expect(DecisivenessWeight.weight([.init(lexical: 0, dense: 0.2)]) == 1)
    }

    @Test func intervalContainsTheWeightAndNarrowsWithMoreQuestions() throws {
        var random = SplitMix64(seed: 11)
        func margins(_ count: Int) -> [DecisivenessWeight.Margins] {
            (0 ..< count).map { _ in
                .init(lexical: Double(random.next() % 1000) / 10000, dense: Double(random.next() % 1000) / 5000)
            }
        }
        let few = margins(20), many = margins(400)
        let fewInterval = try #require(DecisivenessWeight.interval(few))
        let manyInterval = try #require(DecisivenessWeight.interval(many))
        #expect(fewInterval.contains(try #require(DecisivenessWeight.weight(few))))
        #expect(manyInterval.contains(try #require(DecisivenessWeight.weight(many))))
        #expect(manyInterval.upperBound - manyInterval.lowerBound < fewInterval.upperBound - fewInterval.lowerBound)
        // Reproducible: the same questions give the same interval.
        #expect(DecisivenessWeight.interval(few) == fewInterval)
    }
}
