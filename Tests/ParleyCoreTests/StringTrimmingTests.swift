import Foundation
import ParleyCore
import Testing

/// The ends-only trims give Foundation's answers for white space, line breaks and punctuation.
@Suite("Trimming white space")
struct StringTrimmingTests {
    @Test func everyScalarIsWhiteSpaceExactlyWhenFoundationSaysSo() {
        let set = CharacterSet.whitespacesAndNewlines
        var differing: [UInt32] = []
        for value in UInt32(0) ... 0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if scalar.isTrimmedWhitespace != set.contains(scalar) { differing.append(value) }
        }
        #expect(differing.isEmpty, "\(differing.prefix(10).map { String($0, radix: 16) })")
    }

    @Test func everyScalarIsPunctuationExactlyWhenFoundationSaysSo() {
        let set = CharacterSet.punctuationCharacters
        var differing: [UInt32] = []
        var punctuation = 0
        for value in UInt32(0) ... 0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if scalar.isTrimmedPunctuation { punctuation += 1 }
            // Foundation's tables are Unicode 15's: punctuation added since is punctuation here only.
            let isNewer = scalar.properties.age.map { $0.major >= 16 } ?? false
            if scalar.isTrimmedPunctuation != set.contains(scalar), !(isNewer && scalar.isTrimmedPunctuation) { differing.append(value) }
        }
        #expect(differing.isEmpty, "\(differing.prefix(10).map { String($0, radix: 16) })")
        #expect(punctuation > 500)
    }

    @Test func randomTextTrimsAsFoundationTrimsIt() {
        let pieces = [" ", "\t", "\n", "\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "\u{1680}", "\u{2003}", "\u{2028}", "\u{2029}",
                      "\u{202F}", "\u{205F}", "\u{3000}", "\u{200B}", "\u{FEFF}", "\u{180E}", "a", "é", "e\u{301}", "\u{301}", "🚲",
                      "Hello", ".", "x y"]
        var random = SplitMix64(seed: 31)
        for _ in 0 ..< 30_000 {
            let text = (0 ..< Int.random(in: 0 ... 7, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            #expect(text.trimmingWhitespaceAndNewlines() == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(text.debugDescription)")
        }
        #expect("  Hi there \n".trimmingWhitespaceAndNewlines() == "Hi there")
        #expect(" \u{3000}\t".trimmingWhitespaceAndNewlines().isEmpty)
    }

    @Test func randomTextTrimsPunctuationAsFoundationTrimsIt() {
        let pieces = [" ", "\n", "\u{3000}", "!", "?", ".", "¿", "«", "»", "—", "_", "(", ")", "、", "„", "a", "é", "e\u{301}",
                      "\u{301}", "🚲", "$", "+", "Hello", "x y"]
        let set = CharacterSet.punctuationCharacters.union(.whitespacesAndNewlines)
        var random = SplitMix64(seed: 32)
        for _ in 0 ..< 30_000 {
            let text = (0 ..< Int.random(in: 0 ... 7, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            #expect(text.trimmingPunctuationAndWhitespace() == text.trimmingCharacters(in: set), "\(text.debugDescription)")
        }
        #expect("¡Hola!! ".trimmingPunctuationAndWhitespace() == "Hola")
    }
}
