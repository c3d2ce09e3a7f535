import ParleyCore
@testable import ParleyHandoff
import ParleyRetrieval
import Testing

/// The scorer keeps the analysis of answer sentences it has seen, by their text, within bounds.
@Suite("Sentence terms cache")
struct SentenceTermsCacheTests {
    let analyzer = Analyzer(stem: PorterStemmer.stem)

    @Test func aSentenceIsAnalyzedOnceAndReadBackTheSame() {
        let cache = SentenceTermsCache()
        var analyses = 0
        let analyze: (String) -> Set<String> = { analyses += 1; return Set(analyzer.terms($0)) }
        let sentence = "The motor and batteries are covered for three years."
        let first = cache.terms(of: sentence, analyze: analyze)
        let second = cache.terms(of: sentence, analyze: analyze)
        #expect(first == Set(analyzer.terms(sentence)) && second == first)
        #expect(analyses == 1)
        _ = cache.terms(of: "Delivery takes a week.", analyze: analyze)
        #expect(analyses == 2, "another text is analyzed")
    }

    @Test func longSentencesAreNotKeptAndTheCountStaysWithinCapacity() {
        let cache = SentenceTermsCache(capacity: 3, maxSentenceBytes: 40)
        var analyses = 0
        let analyze: (String) -> Set<String> = { analyses += 1; return Set(analyzer.terms($0)) }
        let long = String(repeating: "batteries ", count: 10)
        _ = cache.terms(of: long, analyze: analyze)
        _ = cache.terms(of: long, analyze: analyze)
        #expect(analyses == 2 && cache.count == 0)
        for number in 0 ..< 10 {
            #expect(cache.terms(of: "Bike number \(number).", analyze: analyze).contains("bike"))
            #expect(cache.count <= 3)
        }
    }

    @Test func aScorerScoresTheSameWhenItsSentencesAreKnown() {
        let scorer = ConfidenceScorer()
        let passages = [SourcePassage(chunkID: "1", title: "Warranty", url: nil,
                                      text: "The motor and battery are covered for three years. Frames have a lifetime warranty.", score: 0.8)]
        let answer = "The battery is covered for three years [1]. Frames have a lifetime warranty [1]. Tyres are free."
        let first = scorer.confidence(question: "How long is the battery covered?", answer: answer, passages: passages)
        let again = scorer.confidence(question: "How long is the battery covered?", answer: answer, passages: passages)
        let fresh = ConfidenceScorer().confidence(question: "How long is the battery covered?", answer: answer, passages: passages)
        #expect(first == again && first == fresh)
        #expect(scorer.sentenceTerms(of: answer) == ConfidenceScorer().sentenceTerms(of: answer))
    }
}
