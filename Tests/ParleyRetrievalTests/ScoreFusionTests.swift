import Foundation
import ParleyCore
@testable import ParleyRetrieval
import Testing

@Suite("Score fusion")
struct ScoreFusionTests {
    let x = ChunkID(), y = ChunkID(), z = ChunkID()

    @Test func reciprocalRankFusionAddsOneOverKPlusRank() {
        let fusion = ScoreFusion(method: .rrf, rrfK: 60)
        let fused = fusion.fuse(dense: [.init(id: x, score: 0.9), .init(id: y, score: 0.8)],
                                lexical: [.init(id: y, score: 12), .init(id: z, score: 3)])
        #expect(fused.map(\.id) == [y, x, z])
        #expect(abs(fused[0].score - (1.0 / 62 + 1.0 / 61)) < 1e-12)
        #expect(abs(fused[1].score - 1.0 / 61) < 1e-12)
        #expect(abs(fused[2].score - 1.0 / 62) < 1e-12)
    }

    @Test func convexFusionWeighsMinMaxNormalisedScores() {
        let fusion = ScoreFusion(method: .convex, alpha: 0.5)
        // dense: x 0.9 -> 1, y 0.7 -> 0.5, z 0.5 -> 0. lexical: z 10 -> 1, x 4 -> 0; y missing -> 0.
        let fused = fusion.fuse(dense: [.init(id: x, score: 0.9), .init(id: y, score: 0.7), .init(id: z, score: 0.5)],
                                lexical: [.init(id: z, score: 10), .init(id: x, score: 4)])
        // x and z tie at 0.5 (their order then follows their ids); y comes last.
        #expect(Set(fused.prefix(2).map(\.id)) == [x, z])
        #expect(fused[2].id == y)
        #expect(abs(fused[0].score - 0.5) < 1e-12)
        #expect(abs(fused[1].score - 0.5) < 1e-12)
        #expect(abs(fused[2].score - 0.25) < 1e-12)
        let weighted = ScoreFusion(method: .convex, alpha: 0.8).fuse(
            dense: [.init(id: x, score: 0.9), .init(id: z, score: 0.5)], lexical: [.init(id: z, score: 10), .init(id: x, score: 4)])
        #expect(weighted.first?.id == x)
        #expect(abs(weighted[0].score - 0.8) < 1e-12)
    }

    @Test func aWeightUsedAsItIsIgnoresTheSpreads() {
        // Ceiling 10. x: cosine 0.9, share 0.2; y: cosine 0.3, share 0.9 (dense spread 0.6, lexical 0.7).
        let dense: [ScoredChunkID] = [.init(id: x, score: 0.9), .init(id: y, score: 0.3)]
        let lexical: [ScoredChunkID] = [.init(id: y, score: 9), .init(id: x, score: 2)]
        let fixed = ScoreFusion(method: .absolute, alpha: 0.6, adaptsToSpread: false).fuse(dense: dense, lexical: lexical, lexicalCeiling: 10)
        // 0.6 * 0.9 + 0.4 * 0.2 = 0.62 and 0.6 * 0.3 + 0.4 * 0.9 = 0.54.
        #expect(fixed.map(\.id) == [x, y])
        #expect(abs(fixed[0].score - 0.62) < 1e-12 && abs(fixed[1].score - 0.54) < 1e-12)
        // Adapting, the weight becomes 0.6 * 0.6 / (0.6 * 0.6 + 0.4 * 0.7) = 0.5625: x 0.59375, y 0.56250.
        let adapted = ScoreFusion(method: .absolute, alpha: 0.6).fuse(dense: dense, lexical: lexical, lexicalCeiling: 10)
        #expect(abs(adapted[0].score - 0.59375) < 1e-12 && abs(adapted[1].score - 0.5625) < 1e-12)
    }

    @Test func emptyListsAndSingleItemsAreSafe() {
        for method in FusionMethod.allCases {
            #expect(ScoreFusion(method: method).fuse(dense: [], lexical: []).isEmpty)
            let single = ScoreFusion(method: method).fuse(dense: [.init(id: x, score: 0.3)], lexical: [])
            #expect(single.map(\.id) == [x])
        }
        #expect(ScoreFusion(method: .convex).fuse(dense: [.init(id: x, score: 0.3)], lexical: [])[0].score == 0.5)
        // With one list empty, absolute fusion gives the other all the weight.
        #expect(ScoreFusion(method: .absolute).fuse(dense: [.init(id: x, score: 0.3)], lexical: [])[0].score == 0.3)
        // Without a ceiling, absolute fusion divides by the list's best score.
        let lexicalOnly = ScoreFusion(method: .absolute).fuse(dense: [], lexical: [.init(id: y, score: 4), .init(id: z, score: 2)])
        #expect(lexicalOnly.map(\.score) == [1, 0.5])
    }

    @Test func absoluteFusionAddsTheCosineToTheShareOfTheAttainableBM25Score() {
        let fusion = ScoreFusion(method: .absolute, alpha: 0.5)
        // Ceiling 10. Both lists spread 0.3 (dense 0.9 - 0.6; lexical shares 0.8 - 0.5), so the
        // weights stay 0.5 each. x: 0.45 + 0.25 = 0.7; y: 0.3 + 0 (not in the lexical list) = 0.3;
        // z: 0.3 (the dense list's lowest cosine stands in for its own) + 0.4 = 0.7; w: 0.3 + 0.25.
        let w = ChunkID()
        let fused = fusion.fuse(dense: [.init(id: x, score: 0.9), .init(id: y, score: 0.6)],
                                lexical: [.init(id: z, score: 8), .init(id: x, score: 5), .init(id: w, score: 5)], lexicalCeiling: 10)
        let scores = Dictionary(uniqueKeysWithValues: fused.map { ($0.id, $0.score) })
        #expect(abs(scores[x]! - 0.7) < 1e-12)
        #expect(abs(scores[y]! - 0.3) < 1e-12)
        #expect(abs(scores[z]! - 0.7) < 1e-12)
        #expect(abs(scores[w]! - 0.55) < 1e-12)
        #expect(fused.last?.id == y)
    }

    @Test func theWiderSpreadingListWeighsMore() {
        #expect(ScoreFusion.denseWeight(alpha: 0.5, denseSpread: 0.2, lexicalSpread: 0.2) == 0.5)
        #expect(abs(ScoreFusion.denseWeight(alpha: 0.5, denseSpread: 0.2, lexicalSpread: 0.4) - 1.0 / 3) < 1e-12)
        // alpha still leans: 0.8 · 0.2 / (0.8 · 0.2 + 0.2 · 0.4) = 2/3.
        #expect(abs(ScoreFusion.denseWeight(alpha: 0.8, denseSpread: 0.2, lexicalSpread: 0.4) - 2.0 / 3) < 1e-12)
        #expect(ScoreFusion.denseWeight(alpha: 0.5, denseSpread: 0, lexicalSpread: 0) == 0.5)
        #expect(ScoreFusion.spread([0.9, 0.4, 0.6]) == 0.5)
        #expect(ScoreFusion.spread([0.3]) == 0.3)
        #expect(ScoreFusion.spread([]) == 0)
        // In the fused scores: dense spreads 0.2, lexical 0.4 (shares 0.5 and 0.1), so the dense
        // weight is 1/3. x: 0.9/3 + 2/3 · 0.1 = 0.3667; y: 0.7/3 + 2/3 · 0.5 = 0.5667.
        let fused = ScoreFusion(method: .absolute).fuse(dense: [.init(id: x, score: 0.9), .init(id: y, score: 0.7)],
                                                        lexical: [.init(id: y, score: 5), .init(id: x, score: 1)], lexicalCeiling: 10)
        #expect(fused.map(\.id) == [y, x])
        #expect(abs(fused[0].score - (0.7 / 3 + 2.0 / 3 * 0.5)) < 1e-12)
        #expect(abs(fused[1].score - (0.9 / 3 + 2.0 / 3 * 0.1)) < 1e-12)
    }

    @Test func aWeakLexicalListMovesTheRankingLessThanMinMaxFusionLetsIt() {
        // The question's words barely occur in the knowledge base: its best BM25 hit reaches a
        // tenth of what the query could score. Dense retrieval is sure of x. Min-max fusion
        // stretches the weak lexical list to [0, 1] and puts its top hit z first; absolute
        // fusion keeps it at its share and x stays first.
        let dense: [ScoredChunkID] = [.init(id: x, score: 0.62), .init(id: z, score: 0.45), .init(id: y, score: 0.38)]
        let lexical: [ScoredChunkID] = [.init(id: z, score: 1.0), .init(id: y, score: 0.2)]
        #expect(ScoreFusion(method: .convex).fuse(dense: dense, lexical: lexical).first?.id == z)
        #expect(ScoreFusion(method: .absolute).fuse(dense: dense, lexical: lexical, lexicalCeiling: 10).first?.id == x)
        // A strong lexical match (the whole query, many times) still wins over a middling cosine.
        let strong: [ScoredChunkID] = [.init(id: z, score: 9.0), .init(id: y, score: 0.2)]
        #expect(ScoreFusion(method: .absolute).fuse(dense: dense, lexical: strong, lexicalCeiling: 10).first?.id == z)
    }
}
