import Foundation
@testable import ParleyRetrieval
import ParleyCore
import Testing

/// Sentence ends are read from a character's one scalar; that must find exactly the characters
/// equal to the six terminals, so that paragraphs split where they did.
@Suite("Sentence splitter")
struct SentenceSplitterTests {
    @Test func terminalsAreExactlyTheSixCharacters() {
        let characters: [Character] = [".", "!", "?", "。", "！", "？", ".\u{301}", "!\u{20DD}", "a", " ", "\u{FE52}", "．", "…", "\u{3002}\u{308}", "\n"]
        for character in characters {
            let expected: SentenceSplitter.Terminal? = "。！？".contains(character) ? .cjk : ".!?".contains(character) ? .latin : nil
            #expect(SentenceSplitter.terminal(character) == expected, "\(character.unicodeScalars.map { $0.value })")
        }
    }

    /// Paragraphs made of known sentences split back into them; a full stop inside a number, or
    /// carrying a mark, ends nothing.
    @Test func randomParagraphsSplitIntoTheirSentences() {
        var generator = SystemRandomNumberGenerator()
        let words = ["ab", "cd", "über", "中文", "3.5", "ab.\u{301}"]
        let ends = [".", "!", "?", "。", "！", "？"]
        for _ in 0 ..< 2_000 {
            var sentences: [String] = []
            var text = ""
            for _ in 0 ..< Int.random(in: 0 ... 6, using: &generator) {
                let sentence = (0 ..< Int.random(in: 1 ... 5, using: &generator)).map { _ in words.randomElement(using: &generator)! }
                    .joined(separator: " ") + ends.randomElement(using: &generator)!
                sentences.append(sentence)
                let cjk = "。！？".contains(sentence.last!)
                text += sentence + (cjk ? ["", " "] : [" ", "  "]).randomElement(using: &generator)!
            }
            #expect(SentenceSplitter.sentences(text) == sentences, "\(text.debugDescription)")
        }
    }

    /// ASCII paragraphs are split over their bytes: exactly where the character-wise reading splits them.
    @Test func asciiParagraphsSplitAsCharacterByCharacter() {
        let pieces = ["ab", "Cd", "x", "J", "e.g", "Dr", "ETC", "3.5", ".", "!", "?", "..", " ", "  ", "\t", "\n", "\r\n", "\r", "\u{0B}",
                      "\u{0C}", "(", ")", "\"", "U.S.", "no", "z.B", "vs"]
        var random = SplitMix64(seed: 33)
        var paragraphs: [String] = []
        for _ in 0 ..< 20_000 {
            paragraphs.append((0 ..< Int.random(in: 0 ... 12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined())
        }
        for paragraph in paragraphs {
            #expect(SentenceSplitter.sentences(paragraph) == SentenceSplitter.characterSentences(paragraph), "\(paragraph.debugDescription)")
        }
        #expect(Set(paragraphs.map { SentenceSplitter.sentences($0).count }).count > 4, "the paragraphs split in many ways")
    }

    @Test func abbreviationsInitialsAndSpacesAreKept() {
        #expect(SentenceSplitter.sentences("Ask Dr. Berg about it. She knows.") == ["Ask Dr. Berg about it.", "She knows."])
        #expect(SentenceSplitter.sentences("Written by J. Smith in 2020. Read it!") == ["Written by J. Smith in 2020.", "Read it!"])
        #expect(SentenceSplitter.sentences("Bring tools, e.g. a wrench etc. Then start.") == ["Bring tools, e.g. a wrench etc. Then start."])
        #expect(SentenceSplitter.sentences("It is on sale vs . the old one. Done.") == ["It is on sale vs . the old one.", "Done."],
                "the word before a spaced full stop")
        #expect(SentenceSplitter.sentences("Z.B. geht das. Ja.") == ["Z.B. geht das.", "Ja."])
        #expect(SentenceSplitter.sentences(" \u{00A0}\tFirst one.\u{00A0} Second one?\t") == ["First one.", "Second one?"],
                "spaces, tabs and no-break spaces trimmed")
        // Paragraphs come without line breaks; one inside is not trimmed (as Foundation's `.whitespaces`).
        #expect(SentenceSplitter.sentences("Line one.\nLine two.") == ["Line one.", "\nLine two."])
        #expect(SentenceSplitter.sentences("Ends with a newline.\n") == ["Ends with a newline.", "\n"])
        #expect(SentenceSplitter.sentences(". . .") == [".", ".", "."])
        #expect(SentenceSplitter.sentences("   ") == [])
        #expect(SentenceSplitter.sentences("") == [])
        #expect(SentenceSplitter.sentences("No end at all") == ["No end at all"])
    }
}
