import Foundation

/// How sure an answer is, in [0, 1], with the three parts it is made of (seed 004): how close the
/// best passage is to the question (`retrievalSimilarity`, 0.4), how much of the answer the cited
/// passages support (`sourceCoverage`, 0.3) and whether the answer addresses the question
/// (`answerCoherence`, 0.3). Stored with every answer.
public struct AnswerConfidence: Sendable, Equatable, Codable {
    public var score: Double
    public var retrievalSimilarity: Double
    public var sourceCoverage: Double
    public var answerCoherence: Double

    public init(retrievalSimilarity: Double, sourceCoverage: Double, answerCoherence: Double) {
        self.retrievalSimilarity = Self.unit(retrievalSimilarity)
        self.sourceCoverage = Self.unit(sourceCoverage)
        self.answerCoherence = Self.unit(answerCoherence)
        score = Self.unit(0.4 * self.retrievalSimilarity + 0.3 * self.sourceCoverage + 0.3 * self.answerCoherence)
    }

    enum CodingKeys: String, CodingKey {
        case score
        case retrievalSimilarity = "retrieval_similarity", sourceCoverage = "source_coverage", answerCoherence = "answer_coherence"
    }

    /// The confidence as stored in the answer's metadata (`confidence`), each part to three decimals.
    public var jsonValue: JSONValue {
        func rounded(_ value: Double) -> JSONValue { .number((value * 1000).rounded() / 1000) }
        return .object(["score": rounded(score), "retrieval_similarity": rounded(retrievalSimilarity),
                        "source_coverage": rounded(sourceCoverage), "answer_coherence": rounded(answerCoherence)])
    }

    /// The least an answer can score given its retrieval similarity (its other parts at 0): an
    /// answer whose least is at or above a refusal threshold can be streamed as it comes.
    public static func lowest(retrievalSimilarity: Double) -> Double {
        AnswerConfidence(retrievalSimilarity: retrievalSimilarity, sourceCoverage: 0, answerCoherence: 0).score
    }

    /// The same confidence with the model's own view of whether the answer addresses the question.
    public func withCoherence(_ coherence: Double) -> AnswerConfidence {
        AnswerConfidence(retrievalSimilarity: retrievalSimilarity, sourceCoverage: sourceCoverage, answerCoherence: coherence)
    }

    static func unit(_ value: Double) -> Double { value.isFinite ? min(max(value, 0), 1) : 0 }
}

/// The model's check of its own answer: how well it addresses the question, in [0, 1] (the
/// confidence's coherence), and whether the visitor should talk to a person instead.
public struct AnswerReview: Sendable, Equatable {
    public var coherence: Double
    public var needsPerson: Bool

    public init(coherence: Double, needsPerson: Bool) {
        self.coherence = AnswerConfidence.unit(coherence)
        self.needsPerson = needsPerson
    }
}

/// Reviews a finished answer with the model (`ParleyHandoff.ModelAnswerReviewer`); nil when the
/// review could not be had, and the turn goes on without it.
public protocol AnswerReviewing: Sendable {
    func review(question: String, answer: String, passages: [SourcePassage], call: LLMCallContext) async -> AnswerReview?
}

/// Scores an answer once it is complete (`ParleyHandoff.ConfidenceScorer`).
public protocol AnswerConfidenceScoring: Sendable {
    func confidence(question: String, answer: String, passages: [SourcePassage]) -> AnswerConfidence
    /// The retrieval part alone, known before the answer is written.
    func retrievalSimilarity(of passages: [SourcePassage]) -> Double
}
