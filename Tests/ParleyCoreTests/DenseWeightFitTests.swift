import Foundation
@testable import ParleyCore
import Testing

/// A knowledge base's dense-weight fit: its self-queries' curve on hand-made scores, and which fits are used.
@Suite("Dense weight fit")
struct DenseWeightFitTests {
    let grid = [0.3, 0.5, 0.7, 0.9]

    @Test func theCurveIsEachWeightsMeanAndItsBestWeight() throws {
        // 0.9 finds every answer first; the others half as well, on every query alike.
        let scores = grid.map { weight in [Double](repeating: weight == 0.9 ? 1 : 0.5, count: 25) }
        let (curve, best) = try #require(DenseWeightFit.curve(grid: grid, scores: scores, prior: 0.5))
        #expect(best == 0.9)
        #expect(curve.map(\.alpha) == grid && curve.map(\.ndcgAt10) == [0.5, 0.5, 0.5, 1])
    }

    @Test func equalScoresGoToTheWeightNearestTheConfiguredOne() throws {
        let scores = grid.map { weight in [Double](repeating: weight >= 0.7 ? 0.8 : 0.6, count: 20) }
        #expect(try #require(DenseWeightFit.curve(grid: grid, scores: scores, prior: 0.5)).best == 0.7)
        #expect(try #require(DenseWeightFit.curve(grid: grid, scores: scores, prior: 1)).best == 0.9)
    }

    @Test func malformedScoresHaveNoCurve() {
        #expect(DenseWeightFit.curve(grid: grid, scores: [[1], [1]], prior: 0.4) == nil)
        #expect(DenseWeightFit.curve(grid: grid, scores: [[1, 1], [1], [1], [1]], prior: 0.4) == nil)
        #expect(DenseWeightFit.curve(grid: [], scores: [], prior: 0.4) == nil)
        #expect(DenseWeightFit.curve(grid: grid, scores: grid.map { _ in [] }, prior: 0.4) == nil)
    }

    @Test func onlyAFitMeasuredOnQuestionsIsUsed() {
        #expect(DenseWeightFit(denseWeight: 0.8, outcome: .fitted, basis: .visitorQuestions).isUsable)
        #expect(DenseWeightFit(denseWeight: 0.8, outcome: .fitted, basis: .selfQueries).isUsable)
        #expect(!DenseWeightFit(denseWeight: 0.8, outcome: .tooFewQueries, basis: .selfQueries).isUsable)
        #expect(!DenseWeightFit(denseWeight: 0.8, outcome: .fitted).isUsable, "a fit stored before weights came from decisiveness")
    }

    @Test func aFitSurvivesJSONAndAnOlderOneStillDecodes() throws {
        let fit = DenseWeightFit(denseWeight: 0.74, outcome: .fitted, basis: .visitorQuestions, weightRange: [0.6, 0.8], visitorQuestions: 40,
                                 bestWeight: 0.6, selfQueries: 25, indexedChunks: 7, curve: [.init(alpha: 0.5, ndcgAt10: 0.8)])
        let decoded = try JSONDecoder().decode(DenseWeightFit.self, from: JSONEncoder().encode(fit))
        #expect(decoded == fit)
        #expect(String(decoding: try JSONEncoder().encode(DenseWeightFit.Outcome.tooFewQueries), as: UTF8.self) == "\"too_few_queries\"")
        #expect(String(decoding: try JSONEncoder().encode(DenseWeightFit.Basis.visitorQuestions), as: UTF8.self) == "\"visitor_questions\"")
        // As the previous version stored it: no basis, so it is not used.
        let older = #"{"denseWeight":0.6,"outcome":"fitted","bestWeight":0.6,"selfQueries":30,"indexedChunks":12,"curve":[]}"#
        let old = try JSONDecoder().decode(DenseWeightFit.self, from: Data(older.utf8))
        #expect(old.denseWeight == 0.6 && old.basis == nil && !old.isUsable)
    }
}
