import ParleyCore
@testable import ParleyHandoff
import ParleyRetrieval
import Testing

/// The scorer's passage analysis is kept per chunk, used only while the chunk reads the same.
@Suite("Passage terms cache")
struct PassageTermsCacheTests {
    let analyzer = Analyzer(stem: PorterStemmer.stem)

    func passage(_ id: String, title: String = "Warranty", _ text: String) -> SourcePassage {
        SourcePassage(chunkID: id, title: title, url: nil, text: text, score: 1)
    }

    @Test func termsAreTheAnalyzersOfTextAndTitle() {
        let cache = PassageTermsCache()
        let warranty = passage("1", "The motor and batteries are covered for three years.")
        let expected = Set(analyzer.terms(warranty.text + " " + warranty.title))
        #expect(cache.terms(of: warranty, analyzer: analyzer) == expected)
        #expect(cache.terms(of: warranty, analyzer: analyzer) == expected, "the same from the cache")
        #expect(expected.contains("batteri") && expected.contains("warranti"))
    }

    @Test func anEditedChunkIsAnalyzedAfresh() {
        let cache = PassageTermsCache()
        _ = cache.terms(of: passage("1", "Delivery takes a week."), analyzer: analyzer)
        let edited = cache.terms(of: passage("1", "Returns are free within thirty days."), analyzer: analyzer)
        #expect(edited.contains("return") && !edited.contains("deliveri"))
        let retitled = cache.terms(of: passage("1", title: "Shipping", "Returns are free within thirty days."), analyzer: analyzer)
        #expect(retitled.contains("ship") && !retitled.contains("warranti"))
    }

    @Test func itStaysWithinItsCapacity() {
        let cache = PassageTermsCache(capacity: 3)
        for id in 0 ..< 10 {
            let terms = cache.terms(of: passage("\(id)", "Chunk number \(id) about bikes."), analyzer: analyzer)
            #expect(terms.contains("bike"))
            #expect(cache.count <= 3)
        }
    }

    @Test func oneScorerGivesTheSameCoverageEveryTime() {
        let scorer = ConfidenceScorer()
        let passages = [passage("1", "The motor and battery are covered for three years. Frames have a lifetime warranty."),
                        passage("2", title: "Delivery", "Delivery to Germany takes five to eight working days.")]
        let answer = "The battery is covered for three years [1]. Tyres are replaced for free every winter."
        let first = scorer.coverage(of: answer, passages: passages)
        #expect(first == 0.5)
        #expect(scorer.coverage(of: answer, passages: passages) == first)
        #expect(ConfidenceScorer().coverage(of: answer, passages: passages) == first, "a fresh scorer agrees")
    }

    /// The score analyses the answer once; its parts equal those computed from the text alone.
    @Test func theScoreEqualsItsPartsReadFromTheText() {
        let scorer = ConfidenceScorer()
        let passages = [passage("1", "The motor and battery are covered for three years. Frames have a lifetime warranty."),
                        passage("2", title: "Delivery", "Delivery to Germany takes five to eight working days.")]
        let pieces = ["The battery", "is covered", "for three years", "[1]", "[2]", ".", "!", "?", "。", " ", "Frames",
                      "Dr.", "3.5", "Lieferung nach Österreich", "délai", "warranty", "Tyres", "e.g.", "\u{00A0}", "中文"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0 ..< 1_000 {
            let answer = (0 ..< Int.random(in: 0 ... 14, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }
                .joined(separator: Bool.random(using: &generator) ? " " : "")
            let question = "How long is the battery warranty for frames?"
            let whole = scorer.confidence(question: question, answer: answer, passages: passages)
            #expect(whole.sourceCoverage == scorer.coverage(of: answer, passages: passages), "\(answer.debugDescription)")
            #expect(whole.answerCoherence == scorer.coherence(of: answer, question: question), "\(answer.debugDescription)")
        }
    }
}
