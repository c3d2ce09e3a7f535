import Foundation
import ParleyCore

/// How well answer confidence separates questions the knowledge base answers from those it does
/// not: every labelled question is retrieved and answered as a chat turn would, and its answer
/// scored. Reports the ROC AUC of the score (the chance that an answerable question outscores an
/// unanswerable one) and how many of each kind fall below the refusal and escalation thresholds.
public struct ConfidenceEvaluation: Sendable {
    /// A question and whether the knowledge base holds its answer.
    public struct LabelledQuestion: Sendable, Equatable {
        public var text: String
        public var answerable: Bool

        public init(text: String, answerable: Bool) {
            self.text = text
            self.answerable = answerable
        }
    }

    public struct Scored: Sendable, Equatable {
        public var question: LabelledQuestion
        public var confidence: AnswerConfidence
    }

    public struct Report: Sendable {
        public var scored: [Scored]
        public var refuseBelow: Double
        public var escalateBelow: Double

        /// ROC AUC of the score with answerable as the positive class (nil without both kinds).
        public var rocAUC: Double? { ConfidenceEvaluation.rocAUC(positives: scores(answerable: true), negatives: scores(answerable: false)) }

        public func scores(answerable: Bool) -> [Double] {
            scored.filter { $0.question.answerable == answerable }.map(\.confidence.score)
        }

        /// The share of the kind's questions scoring below `threshold`.
        public func shareBelow(_ threshold: Double, answerable: Bool) -> Double {
            let values = scores(answerable: answerable)
            return values.isEmpty ? 0 : Double(values.filter { $0 < threshold }.count) / Double(values.count)
        }
    }

    public var scorer: any AnswerConfidenceScoring
    /// The thresholds the rates are counted at (the tenant's).
    public var policy: HandoffPolicy

    public init(scorer: any AnswerConfidenceScoring, policy: HandoffPolicy = HandoffPolicy()) {
        self.scorer = scorer
        self.policy = policy
    }

    /// `retrieve` gives a question's passages, `answer` the answer to it from those passages.
    public func run(_ questions: [LabelledQuestion], retrieve: (String) async throws -> [SourcePassage],
                    answer: (String, [SourcePassage]) async throws -> String) async throws -> Report {
        var scored: [Scored] = []
        for question in questions {
            let passages = try await retrieve(question.text)
            let text = try await answer(question.text, passages)
            scored.append(Scored(question: question, confidence: scorer.confidence(question: question.text, answer: text, passages: passages)))
        }
        return Report(scored: scored, refuseBelow: policy.refuseBelow, escalateBelow: policy.escalateBelow)
    }

    /// The Mann–Whitney estimate of ROC AUC: the share of (positive, negative) pairs in which the
    /// positive scores higher, ties counting half.
    public static func rocAUC(positives: [Double], negatives: [Double]) -> Double? {
        guard !positives.isEmpty, !negatives.isEmpty else { return nil }
        var wins = 0.0
        for positive in positives {
            for negative in negatives { wins += positive > negative ? 1 : positive == negative ? 0.5 : 0 }
        }
        return wins / Double(positives.count * negatives.count)
    }

    /// Reads a labelled set: a header line, then `question<TAB>1|0` lines (1: the knowledge base answers it).
    public static func questions(tsv: String) throws -> [LabelledQuestion] {
        var questions: [LabelledQuestion] = []
        for (index, line) in tsv.split(whereSeparator: \.isNewline).enumerated() where index > 0 && !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2, ["0", "1"].contains(fields[1].trimmingCharacters(in: .whitespaces)),
                  !fields[0].trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ParleyError.badRequest("invalid_labelled_set", "Line \(index + 1) is not `question<TAB>1` or `question<TAB>0`.")
            }
            questions.append(LabelledQuestion(text: String(fields[0]), answerable: fields[1].trimmingCharacters(in: .whitespaces) == "1"))
        }
        return questions
    }
}
