import Foundation

/// What a self-evaluation of a tenant's knowledge base found, as stored for the admin panel
/// (`retrieval_reports`): each mode's figures with their intervals, the verdicts between the best
/// mode and the others, and the dense weight the same self-queries choose.
public struct RetrievalQualityReport: Sendable, Equatable, Codable {
    /// A mean (a share, 0...1) with its 95% bootstrap interval.
    public struct Interval: Sendable, Equatable, Codable {
        public var mean: Double
        public var low: Double
        public var high: Double

        public init(mean: Double, low: Double, high: Double) {
            self.mean = mean
            self.low = low
            self.high = high
        }
    }

    public struct ModeFigures: Sendable, Equatable, Codable {
        public var mode: RetrievalMode
        public var ndcgAt10: Interval
        public var mrrAt10: Double
        public var recallAt10: Double
        /// Mean nDCG@10 per kind of self-query (`question`, `heading`, `title`) that had any.
        public var ndcgByKind: [String: Double]

        public init(mode: RetrievalMode, ndcgAt10: Interval, mrrAt10: Double, recallAt10: Double, ndcgByKind: [String: Double]) {
            self.mode = mode
            self.ndcgAt10 = ndcgAt10
            self.mrrAt10 = mrrAt10
            self.recallAt10 = recallAt10
            self.ndcgByKind = ndcgByKind
        }
    }

    /// How much better `better` is than `other`, paired per query; `beyondNoise` when the interval excludes 0.
    public struct Difference: Sendable, Equatable, Codable {
        public var better: RetrievalMode
        public var other: RetrievalMode
        public var nDCGAt10: Interval
        public var beyondNoise: Bool

        public init(better: RetrievalMode, other: RetrievalMode, nDCGAt10: Interval) {
            self.better = better
            self.other = other
            self.nDCGAt10 = nDCGAt10
            beyondNoise = nDCGAt10.low > 0
        }
    }

    public var chunks: Int
    public var indexedChunks: Int
    /// Self-queries by kind.
    public var queries: [String: Int]
    public var resamples: Int
    public var modes: [ModeFigures]
    public var differences: [Difference]
    public var fit: DenseWeightFit?

    public init(chunks: Int, indexedChunks: Int, queries: [String: Int], resamples: Int, modes: [ModeFigures], differences: [Difference],
                fit: DenseWeightFit?) {
        self.chunks = chunks
        self.indexedChunks = indexedChunks
        self.queries = queries
        self.resamples = resamples
        self.modes = modes
        self.differences = differences
        self.fit = fit
    }

    public var queryCount: Int { queries.values.reduce(0, +) }
}

/// A tenant's latest self-evaluation, as stored.
public struct StoredRetrievalQualityReport: Sendable, Equatable {
    public var tenantID: TenantID
    public var report: RetrievalQualityReport
    public var measuredAt: Date

    public init(tenantID: TenantID, report: RetrievalQualityReport, measuredAt: Date) {
        self.tenantID = tenantID
        self.report = report
        self.measuredAt = measuredAt
    }
}

/// Each tenant's latest self-evaluation (`retrieval_reports`), one row per tenant.
public protocol RetrievalQualityReportStore: Sendable {
    func saveReport(_ report: StoredRetrievalQualityReport) async throws
    func report(tenant: TenantID) async throws -> StoredRetrievalQualityReport?
}
