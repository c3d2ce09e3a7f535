import Foundation
import ParleyCore

/// A knowledge base's dense weight estimated from how decisively each retriever picks an answer
/// for the questions it is asked, without knowing the answers.
///
/// For one question, a retriever's *margin* is how far its best candidate stands above its
/// second, on the scale absolute fusion adds (`ScoreFusion`): the cosine for the dense list, the
/// share of the question's attainable BM25 score for the lexical one. A retriever that tells one
/// passage apart from the rest is usually right; one whose best candidates score alike is
/// guessing (BM25 on a question asked in other words than the answer's, MiniLM on a question that
/// turns on a rare technical term). Over many questions the two median margins say which
/// retriever this knowledge base's questions are decided by: `r = dense / (dense + lexical)`,
/// sharpened to the weight `r^1.5 / (r^1.5 + (1 − r)^1.5)` so that a retriever clearly more
/// decisive also gets clearly more weight. The median keeps a few questions with one exact
/// match (a product code, an error message) from deciding for all.
///
/// Measured on the development sets (README, "Knowledge base"): visitors' questions over FAQ
/// answers give 0.77–0.91, titles of FAQ answers 0.67–0.71, SciFact's claims over abstracts
/// 0.32–0.35; hybrid retrieval with those weights is 0.3–2.3 points better than with a fixed 0.5
/// and never worse. The exponent 1.5 was chosen on those same sets (1 and 2 were each worse on
/// two of the five), so they are development figures.
///
/// When the dense list is at least 2.2 times as decisive (`denseAloneRatio`), the weight is 1:
/// the knowledge base's questions are asked in other words than its answers', BM25's best
/// candidates share little more than common words with them, and any share of the ranking given
/// to them moved a right answer down. On the development sets where MiniLM was 2.3 to 4.7 times
/// as decisive, hybrid retrieval at the sharpened weight (0.77–0.91) stayed 0.7–1.0 below dense
/// retrieval alone, and no weight short of 1 reached it; at 2.06 times (`faq-debian-titled`'s
/// visitors' questions) fusion at 0.74 gained 1.5 points over dense retrieval alone, at 1.6 times
/// 1.6 points, at 1.8 it went either way. The ratio lies between the highest ratio where fusion
/// helped and the lowest where it lost: chosen on those sets, so their figures are development
/// ones. BM25 was at most 1.7 times as decisive as MiniLM on any set (SciFact, 1.5–1.6), and there
/// fusion gains 5 points over BM25 alone, so there is no rule for ranking by BM25 alone.
public enum DecisivenessWeight {
    /// One question's margins: best minus second-best score of each list. A passage BM25 did not
    /// return scores its floor, 0, so a lexical list of one stands its whole share above the
    /// rest; cosines have no floor, so a dense list of one (or none) separates nothing.
    public struct Margins: Sendable, Equatable {
        public var lexical: Double
        public var dense: Double

        public init(lexical: Double, dense: Double) {
            self.lexical = lexical
            self.dense = dense
        }

        /// The margins of hybrid retrieval's two candidate lists for one question; BM25 scores are
        /// divided by the question's attainable score (`lexicalCeiling`) as absolute fusion does.
        public init(lexical: [ScoredChunkID], dense: [ScoredChunkID], lexicalCeiling: Double) {
            self.init(lexical: Self.margin(lexical.map(\.score), floor: 0) / ScoreFusion.lexicalScale(lexical, ceiling: lexicalCeiling),
                      dense: Self.margin(dense.map(\.score), floor: nil))
        }

        /// Best minus second best; a missing second counts as `floor` (nil: the margin is 0).
        static func margin(_ scores: [Double], floor: Double?) -> Double {
            var best = -Double.infinity, second = -Double.infinity
            for score in scores {
                if score > best { (best, second) = (score, best) } else if score > second { second = score }
            }
            guard best.isFinite else { return 0 }
            guard second.isFinite else { return floor.map { max(best - $0, 0) } ?? 0 }
            return max(best - second, 0)
        }
    }

    /// How much sharper the weight is than the ratio of the median margins.
    public static let exponent = 1.5

    /// How many times the lexical median margin the dense one must be for the weight to be 1
    /// (hybrid retrieval ranks by the dense list alone). Below it the sharpened weight is at most
    /// 2.2^1.5 / (2.2^1.5 + 1) = 0.77.
    public static let denseAloneRatio = 2.2

    /// Whether `weight` is the one the rule above gives: hybrid retrieval ranks by the dense list
    /// alone (no sharpened weight rounds to 1 below the ratio).
    public static func ranksDenseAlone(_ weight: Double) -> Bool { weight == 1 }

    /// The dense weight the questions' margins call for, rounded to two decimals (1 when the dense
    /// list is `denseAloneRatio` times as decisive or more); nil when neither retriever separates
    /// anything (every median margin 0) or there are no questions.
    public static func weight(_ margins: [Margins]) -> Double? {
        guard !margins.isEmpty else { return nil }
        let dense = median(margins.map(\.dense)), lexical = median(margins.map(\.lexical))
        guard dense + lexical > 0 else { return nil }
        if dense >= denseAloneRatio * lexical { return 1 }
        let ratio = dense / (dense + lexical)
        let sharpened = pow(ratio, exponent) / (pow(ratio, exponent) + pow(1 - ratio, exponent))
        return (sharpened * 100).rounded() / 100
    }

    /// The 5th and 95th percentiles of the weight over `resamples` bootstrap resamples of the
    /// questions (a fixed seed, so a report is reproducible): how much the weight would move with
    /// other questions of the same kind.
    public static func interval(_ margins: [Margins], resamples: Int = 500) -> ClosedRange<Double>? {
        guard !margins.isEmpty, resamples > 0 else { return nil }
        var random = SplitMix64(seed: 5)
        var weights: [Double] = []
        weights.reserveCapacity(resamples)
        for _ in 0 ..< resamples {
            let sample = (0 ..< margins.count).map { _ in margins[Int(random.next() % UInt64(margins.count))] }
            if let weight = weight(sample) { weights.append(weight) }
        }
        guard !weights.isEmpty else { return nil }
        weights.sort()
        return weights[Int(Double(weights.count - 1) * 0.05)] ... weights[Int(Double(weights.count - 1) * 0.95)]
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
