import Foundation
import ParleyCore
@testable import ParleyHandoff
import Testing

/// Answer confidence, part by part, on hand-made answers and passages.
@Suite("Answer confidence")
struct ConfidenceScorerTests {
    let scorer = ConfidenceScorer()
    let warranty = SourcePassage(chunkID: "1", title: "Warranty", url: nil,
                                 text: "The motor and battery are covered for three years. Frames have a lifetime warranty.", score: 0.8,
                                 similarity: 0.7, lexicalMatch: 0.5)
    let delivery = SourcePassage(chunkID: "2", title: "Delivery", url: nil, text: "Delivery to Germany takes five to eight working days.",
                                 score: 0.4, similarity: 0.3, lexicalMatch: 0.2)

    @Test func theScoreWeighsItsPartsAsSeed004Says() {
        let confidence = AnswerConfidence(retrievalSimilarity: 1, sourceCoverage: 0.5, answerCoherence: 0)
        #expect(abs(confidence.score - 0.55) < 1e-12)
        let clamped = AnswerConfidence(retrievalSimilarity: 3, sourceCoverage: -1, answerCoherence: .nan)
        #expect(clamped.retrievalSimilarity == 1 && clamped.sourceCoverage == 0 && clamped.answerCoherence == 0 && abs(clamped.score - 0.4) < 1e-12)
        #expect(confidence.jsonValue == .object(["score": .number(0.55), "retrieval_similarity": .number(1), "source_coverage": .number(0.5),
                                                 "answer_coherence": .number(0)]))
    }

    @Test func similarityIsTheBestCosineCalibratedAndBM25WithoutEmbeddings() {
        let calibration = SimilarityCalibration()
        #expect(abs(calibration.similarity(of: [delivery, warranty]) - SimilarityCalibration.logistic(0.7, midpoint: 0.40, width: 0.07)) < 1e-12)
        #expect(abs(SimilarityCalibration.logistic(0.40, midpoint: 0.40, width: 0.07) - 0.5) < 1e-12, "the midpoint reads as even odds")
        #expect(calibration.similarity(of: [warranty]) > calibration.similarity(of: [delivery]))
        var lexicalOnly = warranty
        lexicalOnly.similarity = nil
        #expect(abs(calibration.similarity(of: [lexicalOnly]) - SimilarityCalibration.logistic(0.5, midpoint: 0.30, width: 0.08)) < 1e-12)
        lexicalOnly.lexicalMatch = nil
        #expect(calibration.similarity(of: [lexicalOnly]) == 0)
        #expect(calibration.similarity(of: []) == 0)
    }

    @Test func coverageCountsTheSentencesTheCitedPassagesSupport() {
        let passages = [warranty, delivery]
        // Both sentences are in passage 1, which the answer cites.
        #expect(scorer.coverage(of: "The battery is covered for three years [1]. Frames have a lifetime warranty [1].", passages: passages) == 1)
        // The second sentence is invented: half is supported.
        #expect(scorer.coverage(of: "The battery is covered for three years [1]. Tyres are replaced for free every winter.", passages: passages) == 0.5)
        // Citing the wrong passage does not count as support.
        #expect(scorer.coverage(of: "Delivery to Germany takes five to eight working days [1].", passages: passages) == 0)
        // Without markers, every passage is evidence.
        #expect(scorer.coverage(of: "Delivery to Germany takes five to eight working days.", passages: passages) == 1)
        #expect(scorer.coverage(of: "Yes.", passages: passages) == 0, "no sentence with content words")
        #expect(scorer.coverage(of: "The battery is covered for three years.", passages: []) == 0)
    }

    @Test func coherenceIsTheShareOfTheQuestionTheAnswerTakesUp() {
        #expect(scorer.coherence(of: "The battery warranty lasts three years [1].", question: "How long is the battery warranty?") == 1)
        #expect(scorer.coherence(of: "Delivery takes a week.", question: "How long is the battery warranty?") == 0)
        #expect(scorer.coherence(of: "Anything.", question: "?") == 1, "a question without content words")
    }

    @Test func aSupportedOnTopicAnswerOutscoresAFallback() {
        let question = "How long is the battery warranty?"
        let good = scorer.confidence(question: question, answer: "The motor and battery are covered for three years [1].", passages: [warranty])
        let fallback = scorer.confidence(question: question, answer: "I couldn't find anything about that in our knowledge base.", passages: [])
        #expect(good.score > 0.8)
        #expect(fallback.score < 0.1)
    }

    @Test func citationMarkersAreReadAndRemoved() {
        #expect(ConfidenceScorer.citedNumbers(in: "a [2] b [1] c [2] [x] [1234]") == [2, 1])
        #expect(ConfidenceScorer.withoutMarkers("Yes [1]. No [12].") == "Yes . No .")
        #expect(ConfidenceScorer.withoutMarkers("[1234] [] [x] [12 fin[7]") == "[1234] [] [x] [12 fin")
        #expect(ConfidenceScorer.withoutMarkers("Größe [3]: 28\" ✓[999]") == "Größe : 28\" ✓")
    }

    @Test func rocAUCIsTheShareOfPairsInOrder() {
        #expect(ConfidenceEvaluation.rocAUC(positives: [0.9, 0.8], negatives: [0.1, 0.2]) == 1)
        #expect(ConfidenceEvaluation.rocAUC(positives: [0.1], negatives: [0.9]) == 0)
        #expect(ConfidenceEvaluation.rocAUC(positives: [0.5, 0.9], negatives: [0.5]) == 0.75, "a tie counts half")
        #expect(ConfidenceEvaluation.rocAUC(positives: [], negatives: [0.5]) == nil)
    }

    @Test func aLabelledSetIsReadOrRefusedWithTheLine() throws {
        let questions = try ConfidenceEvaluation.questions(tsv: "question\tanswerable\nDo you ship?\t1\n\nWhat is pi?\t0\n")
        #expect(questions == [.init(text: "Do you ship?", answerable: true), .init(text: "What is pi?", answerable: false)])
        for broken in ["q\ta\nDo you ship?\tyes\n", "q\ta\nno tab here\n", "q\ta\n\t1\n", "q\ta\nx\t1\textra\n"] {
            #expect(throws: ParleyError.self) { try ConfidenceEvaluation.questions(tsv: broken) }
        }
    }

    @Test func theEvaluationScoresEveryQuestionWithItsPassagesAndAnswer() async throws {
        let questions: [ConfidenceEvaluation.LabelledQuestion] = [.init(text: "How long is the battery warranty?", answerable: true),
                                                                  .init(text: "What is the capital of Peru?", answerable: false)]
        let report = try await ConfidenceEvaluation(scorer: scorer).run(questions) { text in
            text.contains("warranty") ? [warranty] : []
        } answer: { text, passages in
            passages.isEmpty ? "I couldn't find that." : "The motor and battery are covered for three years [1]."
        }
        #expect(report.rocAUC == 1)
        #expect(report.shareBelow(0.3, answerable: false) == 1 && report.shareBelow(0.3, answerable: true) == 0)
    }
}
