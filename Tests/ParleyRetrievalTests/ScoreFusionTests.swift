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

    @Test func emptyListsAndSingleItemsAreSafe() {
        for method in FusionMethod.allCases {
            #expect(ScoreFusion(method: method).fuse(dense: [], lexical: []).isEmpty)
            let single = ScoreFusion(method: method).fuse(dense: [.init(id: x, score: 0.3)], lexical: [])
            #expect(single.map(\.id) == [x])
        }
        #expect(ScoreFusion(method: .convex).fuse(dense: [.init(id: x, score: 0.3)], lexical: [])[0].score == 0.5)
        #expect(ScoreFusion(method: .absolute).fuse(dense: [.init(id: x, score: 0.3)], lexical: [])[0].score == 0.15)
        // Without a ceiling, absolute fusion divides by the list's best score.
        let lexicalOnly = ScoreFusion(method: .absolute).fuse(dense: [], lexical: [.init(id: y, score: 4), .init(id: z, score: 2)])
        #expect(lexicalOnly.map(\.score) == [0.5, 0.25])
    }

    @Test func absoluteFusionAddsTheCosineToTheShareOfTheAttainableBM25Score() {
        let fusion = ScoreFusion(method: .absolute, alpha: 0.5)
        // Ceiling 10. x: 0.5 · 0.9 + 0.5 · 0.4 = 0.65; y: 0.5 · 0.7 + 0 (not in the lexical list) = 0.35;
        // z: 0.5 · 0.7 (the dense list's lowest cosine stands in for its own) + 0.5 · 0.8 = 0.75.
        let fused = fusion.fuse(dense: [.init(id: x, score: 0.9), .init(id: y, score: 0.7)],
                                lexical: [.init(id: z, score: 8), .init(id: x, score: 4)], lexicalCeiling: 10)
        let scores = Dictionary(uniqueKeysWithValues: fused.map { ($0.id, $0.score) })
        #expect(abs(scores[x]! - 0.65) < 1e-12)
        #expect(abs(scores[y]! - 0.35) < 1e-12)
        #expect(abs(scores[z]! - 0.75) < 1e-12)
        #expect(fused.map(\.id) == [z, x, y])
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
