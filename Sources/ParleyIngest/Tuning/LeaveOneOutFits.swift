import ParleyCore
import ParleyRetrieval

/// The dense weight each question of an evaluation set is ranked with, as a deployed tenant would
/// have it when that question arrived: fitted on the visitors' questions asked before it, never
/// on its own text (`parley eval beir`).
///
/// A tenant's refit reads its visitors' `DenseWeightFitter.questionLimit` most recent questions
/// and keeps those that ask something (`DenseWeightFitter.isQuestionLike`). Here the set's
/// questions stand for them in the file's order: a question's weight comes from the up to
/// `window` questions before it, cyclically (the first question's are the file's last ones).
/// Leave-one-out rather than two halves, because a half holds only half of what a tenant with
/// these questions would fit on: a set of 60 questions has halves below the fit's minimum of 50
/// (`DenseWeightFit.minimumVisitorQuestions`), where a tenant with 59 earlier questions is past
/// it. A question with fewer others than that is ranked with `fallback` (the corpus's titles
/// decide, as they do for a tenant), computed once and only then.
public struct LeaveOneOutFits: Sendable {
    /// Each question's fit, by its index in the set.
    public var byQuestion: [DenseWeightFit?]
    /// The fit all of the set's questions call for together (nil when they are too few or decide
    /// nothing): what a tenant that had been asked every one of them would use.
    public var whole: DenseWeightFit?
    /// The fallback's fit, when a question needed it.
    public var fallback: DenseWeightFit?
    /// Questions that count as a visitor's question (the rest are never part of a fit).
    public var questionLike: Int
    /// Questions ranked with the fallback's fit.
    public var fellBack = 0

    /// `margins` measures one question on the tenant's index (nil when neither retriever returns
    /// anything); `fit` turns margins into a fit (nil below its minimum), as the tenant's refit
    /// does (`SelfEvaluation.visitorFit`). Each question is measured once.
    public static func make(questions: [String], window: Int = DenseWeightFitter.questionLimit,
                            margins: (String) async throws -> DecisivenessWeight.Margins?,
                            fit: ([DecisivenessWeight.Margins]) -> DenseWeightFit?,
                            fallback: () async throws -> DenseWeightFit) async throws -> LeaveOneOutFits {
        var measured: [DecisivenessWeight.Margins?] = []
        measured.reserveCapacity(questions.count)
        var questionLike = 0
        for question in questions {
            guard DenseWeightFitter.isQuestionLike(question) else {
                measured.append(nil)
                continue
            }
            questionLike += 1
            measured.append(try await margins(question))
        }
        var result = LeaveOneOutFits(byQuestion: [], whole: fit(measured.compactMap { $0 }), fallback: nil, questionLike: questionLike)
        let count = questions.count
        for index in 0 ..< count {
            let before = (1 ..< min(max(window, 0), count - 1) + 1).compactMap { measured[(index - $0 + count) % count] }
            if let own = fit(before) {
                result.byQuestion.append(own)
            } else {
                if result.fallback == nil { result.fallback = try await fallback() }
                result.byQuestion.append(result.fallback)
                result.fellBack += 1
            }
        }
        return result
    }

    /// The lowest, median and highest of the weights fitted for the questions (the configured
    /// weight, used where no fit was usable, is not among them).
    public var weights: (low: Double, median: Double, high: Double)? {
        let sorted = byQuestion.compactMap { $0.flatMap { $0.isUsable ? $0.denseWeight : nil } }.sorted()
        guard let low = sorted.first, let high = sorted.last else { return nil }
        return (low, sorted[sorted.count / 2], high)
    }
}
