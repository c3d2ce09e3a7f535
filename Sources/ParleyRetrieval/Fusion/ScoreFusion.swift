import Foundation
import ParleyCore

/// Combines a dense and a lexical ranking into one (hybrid retrieval).
///
/// The default, `absolute`, adds the two lists' scores on scales that mean the same for every
/// query: the dense list's cosine as it is, and each BM25 score divided by the most that query
/// could score (the sum of its terms' IDF, which a document reaches only by holding every term
/// many times). Their weights start equal (alpha 0.5) and move, query by query, towards the list
/// whose scores spread wider. Min-max normalisation (`convex`) instead stretches each list to
/// [0, 1] whatever its quality, so that the best BM25 hit of a question phrased in words the
/// knowledge base never uses counts as much as a perfect match. On help-desk questions over FAQ
/// answers that costs fixed convex fusion 8 points of nDCG@10 against dense retrieval alone;
/// absolute fusion wins back all but 0.2–1.5 of them without losing on scientific text (README,
/// "Knowledge base" figures). `rrf` is reciprocal-rank fusion with k = 60 (Cormack et al., 2009).
public struct ScoreFusion: Sendable, Equatable {
    public var method: FusionMethod
    /// Weight of the dense list in absolute and convex fusion (the lexical list gets 1 − alpha).
    public var alpha: Double
    /// RRF's rank offset.
    public var rrfK: Double
    /// Whether absolute fusion moves `alpha`, question by question, towards the list whose
    /// scores spread wider. On for the configured weight, which knows nothing of the knowledge
    /// base; off for a weight measured on the knowledge base's own questions
    /// (`DecisivenessWeight`), which already says which list decides there and is steadier than
    /// one question's spread.
    public var adaptsToSpread: Bool

    public init(method: FusionMethod = .absolute, alpha: Double = 0.5, rrfK: Double = 60, adaptsToSpread: Bool = true) {
        self.method = method
        self.alpha = alpha
        self.rrfK = rrfK
        self.adaptsToSpread = adaptsToSpread
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

    /// `a · cosine + (1 − a) · BM25 / ceiling`, where `a` is `alpha`, or (`adaptsToSpread`)
    /// `alpha` shifted towards the list whose scores spread wider for this query (top minus lowest of its candidates, each on its
    /// absolute scale): `a = alpha · Rd / (alpha · Rd + (1 − alpha) · Rl)`. A list that barely
    /// tells its best candidate from its hundredth says little about which passage answers, and
    /// a question asked in words the knowledge base does not use gives BM25 exactly such a flat
    /// list. A passage one list did not return gets what that list's scale says about it: 0 from
    /// BM25 (its floor: none of the query's terms counted enough to rank), and the dense list's
    /// lowest cosine, which bounds its own from above (cosines have no floor that unrelated text
    /// reaches, so 0 would favour it).
    private func absolute(dense: [ScoredChunkID], lexical: [ScoredChunkID], lexicalCeiling: Double) -> [ChunkID: Double] {
        let ceiling = Self.lexicalScale(lexical, ceiling: lexicalCeiling)
        var lexicalShare: [ChunkID: Double] = [:]
        for item in lexical { lexicalShare[item.id] = max(lexicalShare[item.id] ?? 0, item.score / ceiling) }
        var cosine: [ChunkID: Double] = [:]
        for item in dense { cosine[item.id] = max(cosine[item.id] ?? -.infinity, item.score) }
        let denseFloor = cosine.values.min() ?? 0
        let weight = adaptsToSpread
            ? Self.denseWeight(alpha: alpha, denseSpread: Self.spread(Array(cosine.values)), lexicalSpread: Self.spread(Array(lexicalShare.values)))
            : alpha
        var fused: [ChunkID: Double] = [:]
        for id in Set(lexicalShare.keys).union(cosine.keys) {
            fused[id] = weight * (cosine[id] ?? denseFloor) + (1 - weight) * (lexicalShare[id] ?? 0)
        }
        return fused
    }

    /// What absolute fusion divides a question's BM25 scores by: its attainable score, or the
    /// list's own best when that is not positive (never 0).
    static func lexicalScale(_ lexical: [ScoredChunkID], ceiling: Double) -> Double {
        max(ceiling > 0 ? ceiling : lexical.map(\.score).max() ?? 1, .leastNonzeroMagnitude)
    }

    /// How far a list's best score stands above its lowest; a list of one spreads from 0.
    static func spread(_ scores: [Double]) -> Double {
        guard let high = scores.max(), let low = scores.min() else { return 0 }
        return scores.count == 1 ? max(high, 0) : high - low
    }

    /// The dense list's weight for one query: `alpha` scaled by the two lists' spreads, and
    /// `alpha` itself when neither list spreads (or one is empty, when the weight does not matter).
    static func denseWeight(alpha: Double, denseSpread: Double, lexicalSpread: Double) -> Double {
        let dense = alpha * max(denseSpread, 0)
        let lexical = (1 - alpha) * max(lexicalSpread, 0)
        return dense + lexical > 0 ? dense / (dense + lexical) : alpha
    }

    /// Scores mapped to [0, 1] by the list's own minimum and maximum (all 1 when they are equal).
    static func minMaxNormalised(_ list: [ScoredChunkID]) -> [(ChunkID, Double)] {
        guard let low = list.map(\.score).min(), let high = list.map(\.score).max() else { return [] }
        let range = high - low
        return list.map { ($0.id, range > 0 ? ($0.score - low) / range : 1) }
    }
}
