@testable import ParleyRetrieval
import Testing

/// The analyzer reads ASCII text byte by byte and other text by grapheme; both must give the same
/// terms wherever both apply, or documents and queries would be analysed differently.
@Suite("Analyzer fast path")
struct AnalyzerFastPathTests {
    @Test func asciiTextGivesTheSameTermsByteByByteAsByGrapheme() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ -.,;:!?'\"()[]{}/\\\t\r\n\u{0}\u{7f}#@")
        let analyzer = Analyzer(stem: PorterStemmer.stem)
        for _ in 0 ..< 2_000 {
            let length = Int.random(in: 0 ... 80, using: &generator)
            var text = String((0 ..< length).map { _ in alphabet.randomElement(using: &generator)! })
            // Real words too, so that stop words and stems are exercised.
            text += " The connections of relational databases, hopping & falling AND running"
            #expect(analyzer.asciiTerms(text) == analyzer.characterTerms(text), "\(text.debugDescription)")
        }
    }

    @Test func mixedTextGivesTheSameTermsRunByRunAsByGrapheme() {
        var generator = SystemRandomNumberGenerator()
        // ASCII, accented and other-script letters, a combining mark, dashes, symbols, emoji.
        let alphabet = Array("abcXYZ09_ -.,'\"\n\té\u{301}ßÄİıΣςжЖ中文–—€™…·😀\u{200d}\u{a0}") + ["e\u{301}", "-\u{301}", "\r\n"]
        let analyzer = Analyzer(stem: PorterStemmer.stem)
        for _ in 0 ..< 2_000 {
            let length = Int.random(in: 0 ... 60, using: &generator)
            var text = String((0 ..< length).map { _ in alphabet.randomElement(using: &generator)! })
            text += " The Café's connections – naïve running"
            #expect(analyzer.terms(text) == analyzer.characterTerms(text), "\(text.debugDescription)")
        }
    }

    @Test func nonASCIITextStillSplitsByGrapheme() {
        let analyzer = Analyzer()
        #expect(analyzer.terms("Größe der Straße: 28\" Räder") == ["größe", "der", "straße", "28", "räder"])
        #expect(analyzer.terms("café-crème") == ["café", "crème"])
    }
}
