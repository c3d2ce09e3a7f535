@testable import ParleyLeads
import Testing

/// The catalogue's words of a message: ASCII text read byte by byte gives the words Foundation's
/// folding gives.
@Suite("Interest words")
struct InterestWordsTests {
    @Test func asciiWordsEqualFoldedWordsOnRandomText() {
        let pieces = ["Aurora", "CITY", "bikes", "e-bike", "Bus", "s", "ss", "3s", "Test-ride", "2026", "price's", "  ", "\t", "\n",
                      "!", "?", ",", ".", "(", ")", "/", "_", "@", "-", "a", "Z", "tires", "Pass", "EXPRESS", "x4s", "0"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0 ..< 5_000 {
            let count = Int.random(in: 0 ... 12, using: &generator)
            let text = (0 ..< count).map { _ in pieces.randomElement(using: &generator)! }.joined(separator: Bool.random() ? "" : " ")
            #expect(InterestCatalogue.asciiWords(text) == InterestCatalogue.foldedWords(text), "\(text)")
        }
        // Any printable ASCII at all.
        for _ in 0 ..< 5_000 {
            let text = String(decoding: (0 ..< Int.random(in: 0 ... 40)).map { _ in UInt8.random(in: 9 ... 126) }, as: UTF8.self)
            #expect(InterestCatalogue.asciiWords(text) == InterestCatalogue.foldedWords(text), "\(text)")
        }
    }

    @Test func accentedTextIsFolded() {
        #expect(InterestCatalogue.words("Ich möchte die Élan-Räder") == ["ich", "mochte", "die", "elan", "rader"])
        #expect(InterestCatalogue.words("AURORA Cities") == ["aurora", "citie"])
    }
}
