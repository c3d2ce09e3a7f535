import Foundation
import ParleyCore

/// Maps the best passage's raw score to [0, 1] with a logistic curve, one per scale: MiniLM
/// cosines, whose related question–passage pairs mostly score 0.45–0.8 and unrelated ones
/// 0.05–0.35, and BM25 shares of the attainable score, used only without embeddings. The
/// midpoints and widths were read off the demo knowledge base's labelled questions
/// (`eval/confidence`), so a score of 0.5 means "as likely answered as not" in either mode.
public struct SimilarityCalibration: Sendable, Equatable {
    public var cosineMidpoint: Double
    public var cosineWidth: Double
    public var lexicalMidpoint: Double
    public var lexicalWidth: Double

    public init(cosineMidpoint: Double = 0.40, cosineWidth: Double = 0.07, lexicalMidpoint: Double = 0.30, lexicalWidth: Double = 0.08) {
        self.cosineMidpoint = cosineMidpoint
        self.cosineWidth = cosineWidth
        self.lexicalMidpoint = lexicalMidpoint
        self.lexicalWidth = lexicalWidth
    }

    /// The calibrated similarity of the best passage (0 without passages).
    public func similarity(of passages: [SourcePassage]) -> Double {
        if let cosine = passages.compactMap(\.similarity).max() {
            return Self.logistic(cosine, midpoint: cosineMidpoint, width: cosineWidth)
        }
        if let match = passages.compactMap(\.lexicalMatch).max() {
            return Self.logistic(match, midpoint: lexicalMidpoint, width: lexicalWidth)
        }
        return 0
    }

    static func logistic(_ value: Double, midpoint: Double, width: Double) -> Double {
        1 / (1 + exp(-(value - midpoint) / max(width, 1e-9)))
    }
}
