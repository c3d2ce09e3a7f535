import Foundation

/// Hybrid retrieval's mean nDCG@10 over a knowledge base's self-queries with one dense weight.
public struct DenseWeightScore: Sendable, Equatable, Codable {
    public var alpha: Double
    public var ndcgAt10: Double

    public init(alpha: Double, ndcgAt10: Double) {
        self.alpha = alpha
        self.ndcgAt10 = ndcgAt10
    }
}

/// The dense weight (alpha) a tenant's hybrid retrieval uses, learnt from its own content: the
/// weight under which its self-queries (ParleyRetrieval's `SelfQueries`) found their answers best.
///
/// A fixed weight cannot suit every knowledge base: on help-desk content, where questions are
/// phrased in other words than the answers, dense retrieval is the better guide, and on technical
/// text BM25 is. The self-queries measure which, on the tenant's own text. The choice is shrunk
/// towards the configured weight by the one-standard-error rule (Breiman et al., 1984): of the
/// weights whose score is within one standard error of the best (the error of the paired
/// per-query differences), the one nearest the configured weight wins, so that a curve too flat
/// to tell weights apart keeps the default rather than its noise.
public struct DenseWeightFit: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable {
        /// The weight was chosen from the self-queries (it may equal the configured one).
        case fitted
        /// Fewer self-queries than `minimumQueries`: the configured weight is kept.
        case tooFewQueries = "too_few_queries"
        /// No dense retrieval (embeddings off) or a fusion without weights (RRF).
        case notApplicable = "not_applicable"
    }

    /// The weight of the dense list that hybrid retrieval uses for this knowledge base.
    public var denseWeight: Double
    public var outcome: Outcome
    /// The weight that scored best before shrinking (nil when none was tried).
    public var bestWeight: Double?
    /// Self-queries it was measured with, and chunks in its scratch index.
    public var selfQueries: Int
    public var indexedChunks: Int
    /// Hybrid nDCG@10 over the self-queries for each weight tried.
    public var curve: [DenseWeightScore]

    public init(denseWeight: Double, outcome: Outcome, bestWeight: Double? = nil, selfQueries: Int = 0, indexedChunks: Int = 0,
                curve: [DenseWeightScore] = []) {
        self.denseWeight = denseWeight
        self.outcome = outcome
        self.bestWeight = bestWeight
        self.selfQueries = selfQueries
        self.indexedChunks = indexedChunks
        self.curve = curve
    }

    /// Fewer self-queries than this keep the configured weight: a handful of headings says more
    /// about their own wording than about the knowledge base.
    public static let minimumQueries = 20

    /// Chooses among `grid` from each weight's per-query nDCG@10 (`scores[i]` belongs to
    /// `grid[i]`, every row in the same query order). `prior` is the configured weight.
    public static func choose(grid: [Double], scores: [[Double]], prior: Double, indexedChunks: Int = 0) -> DenseWeightFit {
        let queries = scores.first?.count ?? 0
        let means = scores.map { $0.isEmpty ? 0 : $0.reduce(0, +) / Double($0.count) }
        let curve = zip(grid, means).map { DenseWeightScore(alpha: $0, ndcgAt10: $1) }
        guard !grid.isEmpty, grid.count == scores.count, scores.allSatisfy({ $0.count == queries }) else {
            return DenseWeightFit(denseWeight: prior, outcome: .notApplicable, indexedChunks: indexedChunks)
        }
        func nearerPrior(_ lhs: Int, _ rhs: Int) -> Bool { abs(grid[lhs] - prior) < abs(grid[rhs] - prior) }
        let best = grid.indices.min { means[$0] != means[$1] ? means[$0] > means[$1] : nearerPrior($0, $1) } ?? 0
        guard queries >= minimumQueries else {
            return DenseWeightFit(denseWeight: prior, outcome: .tooFewQueries, bestWeight: grid[best], selfQueries: queries,
                                  indexedChunks: indexedChunks, curve: curve)
        }
        let withinOneError = grid.indices.filter { index in
            means[index] >= means[best] - standardError(of: zip(scores[best], scores[index]).map { $0 - $1 })
        }
        let chosen = withinOneError.min { nearerPrior($0, $1) || (!nearerPrior($1, $0) && means[$0] > means[$1]) } ?? best
        return DenseWeightFit(denseWeight: grid[chosen], outcome: .fitted, bestWeight: grid[best], selfQueries: queries,
                              indexedChunks: indexedChunks, curve: curve)
    }

    /// The standard error of a mean (0 for fewer than two values).
    static func standardError(of values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        return (variance / Double(values.count)).squareRoot()
    }
}
