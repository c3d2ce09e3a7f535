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

/// The dense weight (alpha) a tenant's hybrid retrieval uses, learnt from its own content and
/// traffic: how decisively each retriever picks an answer for the questions the knowledge base is
/// asked (ParleyRetrieval's `DecisivenessWeight`), measured on its visitors' recent questions
/// when there are enough of them, and otherwise on its self-queries (FAQ questions, headings and
/// titles asked of an answer-only copy of it).
///
/// A fixed weight cannot suit every knowledge base: on help-desk content, where questions are
/// phrased in other words than the answers, dense retrieval is the better guide, and on technical
/// text BM25 is. The weight is used as it is for every question (`ScoreFusion.adaptsToSpread`
/// off). The self-queries' nDCG@10 under each weight (`curve`) is reported beside it: it shows how
/// the weight plays on the tenant's own questions, but does not choose it, because self-queries
/// share their answers' words far more than visitors do and always ask for too little dense weight
/// (README, "Knowledge base").
public struct DenseWeightFit: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable {
        /// The weight was measured (it may equal the configured one).
        case fitted
        /// Fewer self-queries than `minimumQueries` and fewer visitors' questions than
        /// `minimumVisitorQuestions`: the configured weight is kept.
        case tooFewQueries = "too_few_queries"
        /// No dense retrieval (embeddings off) or a fusion without weights (RRF).
        case notApplicable = "not_applicable"
    }

    /// Which questions a fitted weight was measured on.
    public enum Basis: String, Sendable, Codable {
        case visitorQuestions = "visitor_questions"
        case selfQueries = "self_queries"
    }

    /// The weight of the dense list that hybrid retrieval uses for this knowledge base.
    public var denseWeight: Double
    public var outcome: Outcome
    /// What a fitted weight was measured on; nil for a fit stored before weights came from the
    /// retrievers' decisiveness (such a fit is not used: the configured weight applies until the
    /// tenant is fitted again).
    public var basis: Basis?
    /// The 5th and 95th percentiles of the weight over bootstrap resamples of its questions.
    public var weightRange: [Double]?
    /// Visitors' questions read for the fit (nil: none were offered).
    public var visitorQuestions: Int?
    /// The self-queries' best weight on `curve` (nil when none was tried).
    public var bestWeight: Double?
    /// Self-queries asked, and chunks in their scratch index.
    public var selfQueries: Int
    public var indexedChunks: Int
    /// Hybrid nDCG@10 over the self-queries for each weight tried.
    public var curve: [DenseWeightScore]

    public init(denseWeight: Double, outcome: Outcome, basis: Basis? = nil, weightRange: [Double]? = nil, visitorQuestions: Int? = nil,
                bestWeight: Double? = nil, selfQueries: Int = 0, indexedChunks: Int = 0, curve: [DenseWeightScore] = []) {
        self.denseWeight = denseWeight
        self.outcome = outcome
        self.basis = basis
        self.weightRange = weightRange
        self.visitorQuestions = visitorQuestions
        self.bestWeight = bestWeight
        self.selfQueries = selfQueries
        self.indexedChunks = indexedChunks
        self.curve = curve
    }

    /// Fewer questions than this keep the configured weight: a handful of headings says more
    /// about their own wording than about the knowledge base.
    public static let minimumQueries = 20

    /// Fewer visitors' questions than this leave the weight to the self-queries. Over 30
    /// questions the weight's 90% bootstrap range spans 0.2-0.36 on the development sets, over
    /// 60 0.09-0.27 (README, "Knowledge base"): below 50, a tenant's titles and headings (or the
    /// configured weight) are the steadier guide.
    public static let minimumVisitorQuestions = 50

    /// Whether hybrid retrieval should use `denseWeight` (a fit measured the way this version
    /// measures).
    public var isUsable: Bool { outcome == .fitted && basis != nil }

    /// The curve of mean nDCG@10 per weight (`scores[i]` belongs to `grid[i]`, every row in the same
    /// query order) and its best weight (ties go to the weight nearer `prior`); nil when the rows
    /// do not match the grid.
    public static func curve(grid: [Double], scores: [[Double]], prior: Double) -> (curve: [DenseWeightScore], best: Double)? {
        let queries = scores.first?.count ?? 0
        guard !grid.isEmpty, grid.count == scores.count, queries > 0, scores.allSatisfy({ $0.count == queries }) else { return nil }
        let means = scores.map { $0.reduce(0, +) / Double($0.count) }
        let best = grid.indices.min { means[$0] != means[$1] ? means[$0] > means[$1] : abs(grid[$0] - prior) < abs(grid[$1] - prior) } ?? 0
        return (zip(grid, means).map { DenseWeightScore(alpha: $0, ndcgAt10: $1) }, grid[best])
    }
}
