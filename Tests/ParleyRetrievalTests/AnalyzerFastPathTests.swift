@testable import ParleyRetrieval
import Testing

/// The analyzer reads ASCII text byte by byte and other text by grapheme; both must give the same
/// terms wherever both apply, or documents and queries would be analysed differently.
@Suite("Analyzer fast path")
struct AnalyzerFastPathTests {
    let analyzer = Analyzer(stem: PorterStemmer.stem)

    /// 2,000 random texts of the alphabet's characters, each followed by `words` so that stop
    /// words and stems are exercised too.
    func randomTexts(of alphabet: [Character], upTo length: Int, then words: String) -> [String] {
        var generator = SystemRandomNumberGenerator()
        return (0 ..< 2_000).map { _ in
            String((0 ..< Int.random(in: 0 ... length, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }) + words
        }
    }

    @Test func asciiTextGivesTheSameTermsByteByByteAsByGrapheme() {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ -.,;:!?'\"()[]{}/\\\t\r\n\u{0}\u{7f}#@")
        for text in randomTexts(of: alphabet, upTo: 80, then: " The connections of relational databases, hopping & falling AND running") {
            #expect(analyzer.asciiTerms(text) == analyzer.characterTerms(text), "\(text.debugDescription)")
        }
    }

    @Test func mixedTextGivesTheSameTermsRunByRunAsByGrapheme() {
        // ASCII, accented and other-script letters, a combining mark, dashes, symbols, emoji.
        let alphabet = Array("abcXYZ09_ -.,'\"\n\té\u{301}ßÄİıΣςжЖ中文–—€™…·😀\u{200d}\u{a0}") + ["e\u{301}", "-\u{301}", "\r\n"]
        for text in randomTexts(of: alphabet, upTo: 60, then: " The Café's connections – naïve running") {
            #expect(analyzer.terms(text) == analyzer.characterTerms(text), "\(text.debugDescription)")
        }
    }

    @Test func nonASCIITextStillSplitsByGrapheme() {
        let analyzer = Analyzer()
        #expect(analyzer.terms("Größe der Straße: 28\" Räder") == ["größe", "der", "straße", "28", "räder"])
        #expect(analyzer.terms("café-crème") == ["café", "crème"])
    }
}
