import Foundation
import ParleyRetrieval
import Testing

@Suite("BM25")
struct BM25IndexTests {
    @Test func analyzerDropsStopWordsAndShortTokens() {
        #expect(Analyzer().terms("The cat, a DOG and 42 x-rays!") == ["cat", "dog", "42", "rays"])
    }

    @Test func scoresMatchAHandComputation() throws {
        var index = BM25Index(k1: 1.5, b: 0.75)
        index.add(id: "d1", text: "apple apple banana")     // length 3
        index.add(id: "d2", text: "apple cherry")           // length 2
        index.add(id: "d3", text: "banana cherry durian")   // length 3
        // N = 3, avgdl = 8/3. "apple": df = 2, idf = ln(1 + (3 - 2 + 0.5) / 2.5) = ln 1.6.
        let idf = log(1.6)
        func weight(tf: Double, length: Double) -> Double { tf / (tf + 1.5 * (0.25 + 0.75 * length / (8.0 / 3.0))) }
        let results = index.search("apple", limit: 10, visibleTo: nil)
        #expect(results.map(\.id) == ["d1", "d2"])
        #expect(abs(results[0].score - idf * weight(tf: 2, length: 3)) < 1e-12)
        #expect(abs(results[1].score - idf * weight(tf: 1, length: 2)) < 1e-12)
        // A rarer term weighs more: "durian" (df 1) against "cherry" (df 2).
        #expect(index.idf("durian") > index.idf("cherry"))
    }

    @Test func theAttainableScoreIsTheSumOfTheQueryTermsIDF() {
        var index = BM25Index(k1: 1.5, b: 0.75)
        index.add(id: "d1", text: "apple apple banana")
        index.add(id: "d2", text: "apple cherry")
        index.add(id: "d3", text: "banana cherry durian")
        // "apple" df 2 -> ln 1.6; "durian" df 1 -> ln(1 + 2.5 / 1.5); "kiwi" unseen -> ln(1 + 3.5 / 0.5); "the" is a stop word.
        let expected = log(1.6) + log(1 + 2.5 / 1.5) + log(8.0)
        #expect(abs(index.attainableScore("the apple, durian and kiwi") - expected) < 1e-12)
        #expect(index.attainableScore("the and") == 0)
        // No document reaches it: each term's weight stays below 1 however often it occurs.
        let ceiling = index.attainableScore("apple banana")
        #expect(index.search("apple banana", limit: 3, visibleTo: nil).allSatisfy { $0.score < ceiling })
    }

    @Test func replaceAndRemoveKeepStatisticsRight() {
        var index = BM25Index()
        index.add(id: "d1", text: "solar panels on roofs")
        index.add(id: "d2", text: "wind turbines")
        index.add(id: "d1", text: "heat pumps")
        #expect(index.count == 2)
        #expect(index.search("solar", limit: 5, visibleTo: nil).isEmpty)
        #expect(index.search("pumps", limit: 5, visibleTo: nil).map(\.id) == ["d1"])
        index.remove(id: "d1")
        #expect(index.search("pumps", limit: 5, visibleTo: nil).isEmpty)
        #expect(index.count == 1)
        var fresh = BM25Index()
        fresh.add(id: "d2", text: "wind turbines")
        #expect(index.search("wind", limit: 1, visibleTo: nil).first?.score == fresh.search("wind", limit: 1, visibleTo: nil).first?.score)
    }
}
