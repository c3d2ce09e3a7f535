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
        // Medians: dense 0.15, lexical 0.1 -> ratio 0.6 -> 0.6^1.5 / (0.6^1.5 + 0.4^1.5) = 0.6475.
        let margins: [DecisivenessWeight.Margins] = [
            .init(lexical: 0.1, dense: 0.15), .init(lexical: 0.9, dense: 0.0), .init(lexical: 0.05, dense: 0.3),
        ]
        #expect(try #require(DecisivenessWeight.weight(margins)) == 0.65)
        // Equal medians keep the weights equal; the mirror image gives the mirrored weight.
        #expect(DecisivenessWeight.weight([.init(lexical: 0.3, dense: 0.3)]) == 0.5)
        #expect(DecisivenessWeight.weight(margins.map { .init(lexical: $0.dense, dense: $0.lexical) }) == 0.35)
        // One question only the dense list decides does not decide for the others (median, not mean).
        let mostlyLexical = Array(repeating: DecisivenessWeight.Margins(lexical: 0.1, dense: 0.06), count: 9) + [.init(lexical: 0, dense: 0.9)]
        #expect(try #require(DecisivenessWeight.weight(mostlyLexical)) == 0.32)
    }

    @Test func aDenseListAtLeast2Point2TimesAsDecisiveRanksAlone() throws {
        // Just under 2.2 times: the sharpened weight, 2.18^1.5 / (2.18^1.5 + 1) = 0.76; at 2.06 times
        // (where fusion still gained on a development set) 0.75.
        #expect(DecisivenessWeight.weight([.init(lexical: 0.5, dense: 1.09)]) == 0.76)
        #expect(DecisivenessWeight.weight([.init(lexical: 0.1, dense: 0.206)]) == 0.75)
        // 2.2 times or more: 1, so hybrid retrieval ranks as dense retrieval does.
        #expect(DecisivenessWeight.weight([.init(lexical: 0.5, dense: 1.1)]) == 1)
        #expect(DecisivenessWeight.weight([.init(lexical: 0.1, dense: 0.3)]) == 1)
        let mostlyDense = Array(repeating: DecisivenessWeight.Margins(lexical: 0.02, dense: 0.1), count: 9) + [.init(lexical: 0.9, dense: 0)]
        #expect(DecisivenessWeight.weight(mostlyDense) == 1)
        // Not the other way round: BM25 twice or five times as decisive keeps the sharpened weight.
        #expect(DecisivenessWeight.weight([.init(lexical: 0.2, dense: 0.1)]) == 0.26)
        #expect(try #require(DecisivenessWeight.weight([.init(lexical: 0.5, dense: 0.1)])) == 0.08)
        // With weight 1 absolute fusion orders the candidates by cosine alone.
        let (a, b, c, d) = (ChunkID(), ChunkID(), ChunkID(), ChunkID())
        let fused = ScoreFusion(method: .absolute, alpha: 1, adaptsToSpread: false)
            .fuse(dense: [.init(id: a, score: 0.9), .init(id: b, score: 0.6), .init(id: d, score: 0.2)],
                  lexical: [.init(id: c, score: 30), .init(id: b, score: 29)], lexicalCeiling: 30)
        #expect(fused.map(\.id).prefix(2) == [a, b])
        // The report says why the weight is 1, and only then.
        let alone = DenseWeightFit(denseWeight: 1, outcome: .fitted, basis: .visitorQuestions, visitorQuestions: 60)
        #expect(SelfEvaluationText.describe(alone).hasSuffix("60 visitors' questions; the dense ranking alone, which decided at least 2.2 times as clearly as BM25"))
        #expect(!SelfEvaluationText.describe(DenseWeightFit(denseWeight: 0.74, outcome: .fitted, basis: .visitorQuestions, visitorQuestions: 60))
            .contains("alone"))
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
