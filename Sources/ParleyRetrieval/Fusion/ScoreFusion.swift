import Foundation
import ParleyCore

/// Combines a dense and a lexical ranking into one (hybrid retrieval).
///
/// The default, `absolute`, weighs both lists equally (alpha 0.5) on scales that mean the same
/// for every query: the dense list's cosine as it is, and each BM25 score divided by the most
/// that query could score (the sum of its terms' IDF, which a document reaches only by holding
/// every term many times). Min-max normalisation (`convex`) instead stretches each list to
/// [0, 1] whatever its quality, so that the best BM25 hit of a question phrased in words the
/// knowledge base never uses counts as much as a perfect match. On help-desk questions over FAQ
/// answers that costs fixed convex fusion 5–9 points of nDCG@10 against dense retrieval alone;
/// absolute fusion keeps most of them without losing on scientific text (README, "Retrieval
/// quality"). `rrf` is reciprocal-rank fusion with k = 60 (Cormack et al., 2009).
public struct ScoreFusion: Sendable, Equatable {
    public var method: FusionMethod
    /// Weight of the dense list in absolute and convex fusion (the lexical list gets 1 − alpha).
    public var alpha: Double
    /// RRF's rank offset.
    public var rrfK: Double

    public init(method: FusionMethod = .absolute, alpha: Double = 0.5, rrfK: Double = 60) {
        self.method = method
        self.alpha = alpha
        self.rrfK = rrfK
    }

    /// The fused ranking, best first. Each input list is best first; ties break on the id's
    /// string so that results are deterministic. `lexicalCeiling` is the most a BM25 score of
    /// this query could be (`BM25Index.attainableScore`); absolute fusion divides by it, and
    /// uses the lexical list's own best score when it is not positive.
    public func fuse(dense: [ScoredChunkID], lexical: [ScoredChunkID], lexicalCeiling: Double = 0) -> [ScoredChunkID] {
        var fused: [ChunkID: Double] = [:]
        switch method {
        case .rrf:
            for list in [dense, lexical] {
                for (rank, item) in list.enumerated() { fused[item.id, default: 0] += 1 / (rrfK + Double(rank + 1)) }
            }
        case .convex:
            for (list, weight) in [(dense, alpha), (lexical, 1 - alpha)] {
                for (id, score) in Self.minMaxNormalised(list) { fused[id, default: 0] += weight * score }
            }
        case .absolute:
            fused = absolute(dense: dense, lexical: lexical, lexicalCeiling: lexicalCeiling)
        }
        return fused.map { ScoredChunkID(id: $0.key, score: $0.value) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.id.description < $1.id.description }
    }

    /// `alpha · cosine + (1 − alpha) · BM25 / ceiling`. A passage one list did not return gets
    /// what that list's scale says about it: 0 from BM25 (its floor: none of the query's terms
    /// counted enough to rank), and the dense list's lowest cosine, which bounds its own from
    /// above (cosines have no floor that unrelated text reaches, so 0 would favour it).
    private func absolute(dense: [ScoredChunkID], lexical: [ScoredChunkID], lexicalCeiling: Double) -> [ChunkID: Double] {
        let ceiling = lexicalCeiling > 0 ? lexicalCeiling : lexical.map(\.score).max() ?? 1
        let denseFloor = dense.map(\.score).min() ?? 0
        var lexicalShare: [ChunkID: Double] = [:]
        for item in lexical { lexicalShare[item.id] = max(lexicalShare[item.id] ?? 0, item.score / max(ceiling, .leastNonzeroMagnitude)) }
        var cosine: [ChunkID: Double] = [:]
        for item in dense { cosine[item.id] = max(cosine[item.id] ?? -.infinity, item.score) }
        var fused: [ChunkID: Double] = [:]
        for id in Set(lexicalShare.keys).union(cosine.keys) {
            fused[id] = alpha * (cosine[id] ?? denseFloor) + (1 - alpha) * (lexicalShare[id] ?? 0)
        }
        return fused
    }

    /// Scores mapped to [0, 1] by the list's own minimum and maximum (all 1 when they are equal).
    static func minMaxNormalised(_ list: [ScoredChunkID]) -> [(ChunkID, Double)] {
        guard let low = list.map(\.score).min(), let high = list.map(\.score).max() else { return [] }
        let range = high - low
        return list.map { ($0.id, range > 0 ? ($0.score - low) / range : 1) }
    }
}
