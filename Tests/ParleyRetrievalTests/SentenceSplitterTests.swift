import Foundation
@testable import ParleyRetrieval
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

    @Test func randomParagraphsSplitAsBefore() {
        /// The splitter as it read terminals before, by `String.contains` (without its
        /// abbreviation rule, which the texts below never meet).
        func reference(_ paragraph: String) -> [String] {
            var sentences: [String] = []
            var current = ""
            let characters = Array(paragraph)
            for (index, character) in characters.enumerated() {
                current.append(character)
                guard ".!?。！？".contains(character) else { continue }
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                guard "。！？".contains(character) || next.isWhitespace else { continue }
                let sentence = current.trimmingCharacters(in: .whitespaces)
                if !sentence.isEmpty { sentences.append(sentence) }
                current = ""
            }
            let rest = current.trimmingCharacters(in: .whitespaces)
            if !rest.isEmpty { sentences.append(rest) }
            return sentences
        }
        var generator = SystemRandomNumberGenerator()
        // No abbreviations in this alphabet (no word of one letter before a full stop either:
        // every word is two letters), so the reference needs no abbreviation rule.
        let words = ["ab", "cd", "xy", "über", "中文"]
        let separators: [String] = [" ", ". ", "! ", "? ", "。", "！", "？", ".\u{301} ", ".", "\n", "  "]
        for _ in 0 ..< 2_000 {
            var text = ""
            for _ in 0 ..< Int.random(in: 0 ... 12, using: &generator) {
                text += words.randomElement(using: &generator)! + separators.randomElement(using: &generator)!
            }
            #expect(SentenceSplitter.sentences(text) == reference(text), "\(text.debugDescription)")
        }
    }
}
