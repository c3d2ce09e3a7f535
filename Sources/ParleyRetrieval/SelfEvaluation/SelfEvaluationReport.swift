import Foundation
import ParleyCore

/// What `SelfEvaluation` measured, with the statistics a reader needs to trust it.
public struct SelfEvaluationReport: Sendable {
    /// One self-query's scores in one mode.
    public struct QueryScore: Sendable, Equatable {
        public var kind: SelfQuery.Kind
        public var ndcgAt10: Double
        public var mrrAt10: Double
        public var recallAt10: Double
    }

    /// Every self-query's scores in one retrieval mode (in the order of `queries`).
    public struct ModeResult: Sendable {
        public var mode: RetrievalMode
        public var scores: [QueryScore]
    }

    /// A mean with its 95% bootstrap interval.
    public struct Estimate: Sendable, Equatable {
        public var mean: Double
        public var low: Double
        public var high: Double
    }

    /// Hybrid's mean nDCG@10 over the self-queries with one dense weight (`alpha`).
    public typealias WeightScore = DenseWeightScore

    /// The tenant's chunks, and how many of them the scratch index held (all of them unless the
    /// evaluation was limited to a sample).
    public var chunks: Int
    public var indexedChunks: Int
    public var queries: [SelfQuery]
    public var modes: [ModeResult]
    public var resamples: Int
    /// The dense weight these self-queries choose, with hybrid's score for each weight tried
    /// (nil without dense retrieval or with RRF fusion).
    public var fit: DenseWeightFit?

    /// Hybrid's score for each dense weight tried.
    public var weights: [WeightScore] { fit?.curve ?? [] }

    public func count(of kind: SelfQuery.Kind?) -> Int {
        queries.filter { kind == nil || $0.kind == kind }.count
    }

    /// The mode's mean nDCG@10 over the queries of `kind` (all when nil), with its interval.
    public func ndcg(_ mode: RetrievalMode, kind: SelfQuery.Kind? = nil) -> Estimate? {
        guard let values = values(mode, kind: kind, \.ndcgAt10), !values.isEmpty else { return nil }
        return Self.bootstrap(values, resamples: resamples, seed: 10)
    }

    public func mean(_ mode: RetrievalMode, kind: SelfQuery.Kind? = nil, _ metric: KeyPath<QueryScore, Double>) -> Double? {
        guard let values = values(mode, kind: kind, metric), !values.isEmpty else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }

    /// The mode with the best mean nDCG@10 over all self-queries.
    public var bestMode: RetrievalMode? {
        modes.max { (ndcg($0.mode)?.mean ?? 0) < (ndcg($1.mode)?.mean ?? 0) }?.mode
    }

    /// How much better `mode` is than `other` (mean of the per-query differences of nDCG@10),
    /// with the 95% interval of a paired bootstrap: when the interval excludes 0, the
    /// difference is more than the luck of which questions the content happens to ask.
    public func difference(_ mode: RetrievalMode, over other: RetrievalMode) -> Estimate? {
        guard let first = values(mode, kind: nil, \.ndcgAt10), let second = values(other, kind: nil, \.ndcgAt10),
              first.count == second.count, !first.isEmpty else { return nil }
        return Self.bootstrap(zip(first, second).map { $0 - $1 }, resamples: resamples, seed: 11)
    }

    private func values(_ mode: RetrievalMode, kind: SelfQuery.Kind?, _ metric: KeyPath<QueryScore, Double>) -> [Double]? {
        modes.first { $0.mode == mode }?.scores.filter { kind == nil || $0.kind == kind }.map { $0[keyPath: metric] }
    }

    /// The mean and the 2.5th and 97.5th percentiles of the means of `resamples` samples drawn
    /// with replacement (a fixed seed, so that the same scores always print the same interval).
    static func bootstrap(_ values: [Double], resamples: Int, seed: UInt64) -> Estimate {
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > 1, resamples > 0 else { return Estimate(mean: mean, low: mean, high: mean) }
        var random = SplitMix64(seed: seed)
        var means: [Double] = []
        means.reserveCapacity(resamples)
        for _ in 0 ..< resamples {
            var sum = 0.0
            for _ in values.indices { sum += values[Int.random(in: 0 ..< values.count, using: &random)] }
            means.append(sum / Double(values.count))
        }
        means.sort()
        let low = means[Int((Double(resamples - 1) * 0.025).rounded())]
        let high = means[Int((Double(resamples - 1) * 0.975).rounded())]
        return Estimate(mean: mean, low: low, high: high)
    }
}

extension SelfEvaluationReport {
    /// The figures the admin panel stores and shows.
    public var summary: RetrievalQualityReport {
        func interval(_ estimate: Estimate) -> RetrievalQualityReport.Interval {
            .init(mean: estimate.mean, low: estimate.low, high: estimate.high)
        }
        let figures = modes.compactMap { result -> RetrievalQualityReport.ModeFigures? in
            guard let all = ndcg(result.mode) else { return nil }
            var byKind: [String: Double] = [:]
            for kind in SelfQuery.Kind.allCases where count(of: kind) > 0 { byKind[kind.rawValue] = mean(result.mode, kind: kind, \.ndcgAt10) }
            return .init(mode: result.mode, ndcgAt10: interval(all), mrrAt10: mean(result.mode, \.mrrAt10) ?? 0,
                         recallAt10: mean(result.mode, \.recallAt10) ?? 0, ndcgByKind: byKind)
        }
        var differences: [RetrievalQualityReport.Difference] = []
        if let best = bestMode {
            for other in modes.map(\.mode) where other != best {
                if let difference = difference(best, over: other) { differences.append(.init(better: best, other: other, nDCGAt10: interval(difference))) }
            }
        }
        var counts: [String: Int] = [:]
        for kind in SelfQuery.Kind.allCases { counts[kind.rawValue] = count(of: kind) }
        return RetrievalQualityReport(chunks: chunks, indexedChunks: indexedChunks, queries: counts, resamples: resamples, modes: figures,
                                      differences: differences, fit: fit)
    }
}
