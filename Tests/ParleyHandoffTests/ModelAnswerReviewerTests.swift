import Foundation
import ParleyCore
@testable import ParleyHandoff
import Testing

@Suite("Model answer review")
struct ModelAnswerReviewerTests {
    @Test func aReviewIsReadLenientlyAndBounded() {
        #expect(ModelAnswerReviewer.review(from: ["answers_question": 0.25, "needs_person": true]) == AnswerReview(coherence: 0.25, needsPerson: true))
        // Numbers and yes/no written as text are taken; a rating past 1 is 1.
        #expect(ModelAnswerReviewer.review(from: ["answers_question": "1.5", "needs_person": "no"]) == AnswerReview(coherence: 1, needsPerson: false))
        #expect(ModelAnswerReviewer.review(from: ["answers_question": 0.5]) == nil)
        #expect(ModelAnswerReviewer.review(from: ["needs_person": true, "answers_question": "high"]) == nil)
        #expect(ModelAnswerReviewer.review(from: ["answers_question": "nan", "needs_person": false]) == nil)
    }

    @Test func theModelsCoherenceReplacesOnlyThatPart() {
        let lexical = AnswerConfidence(retrievalSimilarity: 0.8, sourceCoverage: 0.5, answerCoherence: 1)
        let reviewed = lexical.withCoherence(0.2)
        #expect(reviewed.retrievalSimilarity == 0.8 && reviewed.sourceCoverage == 0.5 && reviewed.answerCoherence == 0.2)
        #expect(abs(reviewed.score - (0.32 + 0.15 + 0.06)) < 1e-9)
    }
}
