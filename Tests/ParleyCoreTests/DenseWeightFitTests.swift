import Foundation
@testable import ParleyCore
import Testing

/// Choosing a knowledge base's dense weight from its self-queries' scores, on hand-made curves.
@Suite("Dense weight fit")
struct DenseWeightFitTests {
    let grid = [0.3, 0.5, 0.7, 0.9]

    @Test func aClearWinnerIsChosen() {
        // 0.9 finds every answer first; the others half as well, on every query alike.
        let scores = grid.map { weight in [Double](repeating: weight == 0.9 ? 1 : 0.5, count: 25) }
        let fit = DenseWeightFit.choose(grid: grid, scores: scores, prior: 0.5, indexedChunks: 40)
        #expect(fit.outcome == .fitted && fit.denseWeight == 0.9 && fit.bestWeight == 0.9)
        #expect(fit.selfQueries == 25 && fit.indexedChunks == 40)
        #expect(fit.curve.map(\.alpha) == grid && fit.curve.map(\.ndcgAt10) == [0.5, 0.5, 0.5, 1])
    }

    @Test func aWinWithinOneStandardErrorKeepsTheConfiguredWeight() {
        // 0.9 is ahead by 0.01 on average, but query by query it wins or loses by about 0.3:
        // the standard error of the difference (about 0.066) dwarfs the lead.
        let base = (0 ..< 20).map { $0.isMultiple(of: 2) ? 0.6 : 0.4 }
        let noisy = base.enumerated().map { $0.offset.isMultiple(of: 2) ? $0.element + 0.3 : $0.element - 0.28 }
        let scores = [base.map { $0 - 0.2 }, base, base.map { $0 - 0.2 }, noisy]
        let fit = DenseWeightFit.choose(grid: grid, scores: scores, prior: 0.5)
        #expect(fit.outcome == .fitted)
        #expect(fit.bestWeight == 0.9)
        #expect(fit.denseWeight == 0.5)
    }

    @Test func theNearestToTheConfiguredWeightWithinOneErrorWins() {
        // 0.9 is best; 0.7 is a hair behind with a noisy difference; 0.5 and 0.3 are far behind on every query.
        let best = (0 ..< 30).map { $0.isMultiple(of: 2) ? 0.9 : 0.7 }
        let close = best.enumerated().map { $0.offset.isMultiple(of: 3) ? $0.element - 0.12 : $0.element + 0.05 }
        let scores = [best.map { $0 - 0.5 }, best.map { $0 - 0.4 }, close, best]
        let fit = DenseWeightFit.choose(grid: grid, scores: scores, prior: 0.5)
        #expect(fit.bestWeight == 0.9)
        #expect(fit.denseWeight == 0.7)
    }

    @Test func equalScoresGoToTheWeightNearestTheConfiguredOne() {
        let scores = grid.map { weight in [Double](repeating: weight >= 0.7 ? 0.8 : 0.6, count: 20) }
        let fit = DenseWeightFit.choose(grid: grid, scores: scores, prior: 0.5)
        #expect(fit.bestWeight == 0.7 && fit.denseWeight == 0.7)
    }

    @Test func tooFewSelfQueriesKeepTheConfiguredWeight() {
        let scores = grid.map { weight in [Double](repeating: weight == 0.9 ? 1 : 0, count: DenseWeightFit.minimumQueries - 1) }
        let fit = DenseWeightFit.choose(grid: grid, scores: scores, prior: 0.5)
        #expect(fit.outcome == .tooFewQueries)
        #expect(fit.denseWeight == 0.5 && fit.bestWeight == 0.9, "the best is still reported")
    }

    @Test func malformedScoresAreNotFitted() {
        #expect(DenseWeightFit.choose(grid: grid, scores: [[1], [1]], prior: 0.4).outcome == .notApplicable)
        #expect(DenseWeightFit.choose(grid: grid, scores: [[1, 1], [1], [1], [1]], prior: 0.4).denseWeight == 0.4)
        #expect(DenseWeightFit.choose(grid: [], scores: [], prior: 0.4).outcome == .notApplicable)
    }

    @Test func theStandardErrorIsTheSampleDeviationOverTheRootOfTheCount() {
        #expect(DenseWeightFit.standardError(of: [1]) == 0)
        // Deviation of [0, 2] is sqrt(2); over sqrt(2) values: 1.
        #expect(abs(DenseWeightFit.standardError(of: [0, 2]) - 1) < 1e-12)
    }

    @Test func aFitSurvivesJSON() throws {
        let fit = DenseWeightFit.choose(grid: grid, scores: grid.map { [Double](repeating: $0, count: 20) }, prior: 0.5, indexedChunks: 7)
        let decoded = try JSONDecoder().decode(DenseWeightFit.self, from: JSONEncoder().encode(fit))
        #expect(decoded == fit)
        #expect(String(decoding: try JSONEncoder().encode(DenseWeightFit.Outcome.tooFewQueries), as: UTF8.self) == "\"too_few_queries\"")
    }
}
