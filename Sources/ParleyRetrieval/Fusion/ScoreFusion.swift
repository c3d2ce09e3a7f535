import Foundation
import ParleyCore

/// Combines a dense and a lexical ranking into one (hybrid retrieval).
///
/// The defaults are fixed in advance from the literature, not tuned on any test set:
/// convex fusion with equal weights (alpha 0.5) over min-max normalised scores of each list,
/// and RRF with k = 60 (Cormack et al., 2009).
public struct ScoreFusion: Sendable, Equatable {
    public var method: FusionMethod
    /// Weight of the dense list in convex fusion (the lexical list gets 1 − alpha).
    public var alpha: Double
    /// RRF's rank offset.
    public var rrfK: Double

    public init(method: FusionMethod = .convex, alpha: Double = 0.5, rrfK: Double = 60) {
        self.method = method
        self.alpha = alpha
        self.rrfK = rrfK
    }

    /// The fused ranking, best first. Each input list is best first; ties break on the id's
    /// string so that results are deterministic.
    public func fuse(dense: [ScoredChunkID], lexical: [ScoredChunkID]) -> [ScoredChunkID] {
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
        }
        return fused.map { ScoredChunkID(id: $0.key, score: $0.value) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.id.description < $1.id.description }
    }

    /// Scores mapped to [0, 1] by the list's own minimum and maximum (all 1 when they are equal).
    static func minMaxNormalised(_ list: [ScoredChunkID]) -> [(ChunkID, Double)] {
        guard let low = list.map(\.score).min(), let high = list.map(\.score).max() else { return [] }
        let range = high - low
        return list.map { ($0.id, range > 0 ? ($0.score - low) / range : 1) }
    }
}
