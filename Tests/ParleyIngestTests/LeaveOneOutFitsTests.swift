import ParleyCore
import ParleyIngest
import ParleyRetrieval
import Testing

/// `eval beir`'s weights: each question fitted on the questions before it, never on its own.
@Suite("Leave-one-out fits")
struct LeaveOneOutFitsTests {
    /// Questions "question number N here"; their margins carry N as the dense margin, so a fit
    /// can tell which questions it was given.
    static func margins(_ text: String) -> DecisivenessWeight.Margins? {
        let words = text.split(separator: " ")
        return words.count == 4 ? Double(words[2]).map { .init(lexical: 0.1, dense: $0) } : nil
    }

    static let questions = ["question number 0 here", "question number 1 here", "yes", "question number 3 here",
                            "question number 4 here", "question number 5 here"]

    @Test func eachQuestionIsFittedOnTheWindowBeforeItWithoutItselfOrShortReplies() async throws {
        var asked: [String] = []
        var given: [[Double]] = []
        var fallbacks = 0
        let fits = try await LeaveOneOutFits.make(
            questions: Self.questions, window: 3,
            margins: { asked.append($0); return Self.margins($0) },
            fit: { margins in
                given.append(margins.map(\.dense))
                return margins.count >= 3 ? DenseWeightFit(denseWeight: margins.map(\.dense).reduce(0, +) / 100, outcome: .fitted,
                                                           basis: .visitorQuestions, visitorQuestions: margins.count) : nil
            },
            fallback: { fallbacks += 1; return DenseWeightFit(denseWeight: 0.4, outcome: .fitted, basis: .selfQueries, selfQueries: 30) })
        // Each question's margins are measured once, and "yes" (fewer than three words) never.
        #expect(asked == Self.questions.filter { $0 != "yes" })
        // First the whole set, then each question's three before it, cyclically, less "yes".
        #expect(given == [[0, 1, 3, 4, 5], [5, 4, 3], [0, 5, 4], [1, 0, 5], [1, 0], [3, 1], [4, 3]])
        #expect(fits.whole?.visitorQuestions == 5 && fits.questionLike == 5)
        #expect(fits.byQuestion.map { $0?.denseWeight } == [0.12, 0.09, 0.06, 0.4, 0.4, 0.4])
        // The titles' fit is made once, for the three questions with too few before them.
        #expect(fallbacks == 1 && fits.fellBack == 3 && fits.fallback?.basis == .selfQueries)
        let weights = try #require(fits.weights)
        #expect(weights.low == 0.06 && weights.median == 0.4 && weights.high == 0.4)
    }

    @Test func aWindowWiderThanTheSetTakesEveryOtherQuestion() async throws {
        var given: [[Double]] = []
        let fits = try await LeaveOneOutFits.make(
            questions: Self.questions, window: 300, margins: { Self.margins($0) },
            fit: { given.append($0.map(\.dense)); return nil },
            fallback: { DenseWeightFit(denseWeight: 0.5, outcome: .tooFewQueries) })
        #expect(given.dropFirst().map { Set($0) } == [[1, 3, 4, 5], [0, 3, 4, 5], [0, 1, 3, 4, 5], [0, 1, 4, 5], [0, 1, 3, 5], [0, 1, 3, 4]])
        #expect(given.dropFirst().allSatisfy { $0.count == Set($0).count }, "no question twice")
        // No fit anywhere: every question falls back, and no fitted weight is reported.
        #expect(fits.whole == nil && fits.fellBack == 6 && fits.weights == nil)
    }

    @Test func noQuestionsNeedNoFallback() async throws {
        let fits = try await LeaveOneOutFits.make(questions: [], margins: { _ in nil }, fit: { _ in nil },
                                                  fallback: { Issue.record("not needed"); return DenseWeightFit(denseWeight: 0.5, outcome: .tooFewQueries) })
        #expect(fits.byQuestion.isEmpty && fits.fellBack == 0)
    }
}
