import Foundation

/// Phrases looked for in lower-cased text, compared as UTF-8 bytes: the chat scans every turn's
/// question and answer, and `String.contains` compares grapheme by grapheme (about 0.2 ms a
/// turn). Text from browsers is in composed form (NFC), as the phrases are.
public struct PhraseSet: Sendable {
    private let phrases: [[UInt8]]

    /// `phrases` are lower-case.
    public init(_ phrases: [String]) {
        self.phrases = phrases.map { Array($0.utf8) }
    }

    /// Whether `text`, lower-cased, holds one of the phrases.
    public func occurs(in text: String) -> Bool {
        var text = text.lowercased()
        return text.withUTF8 { haystack in
            phrases.contains { phrase in
                guard let first = phrase.first, haystack.count >= phrase.count else { return false }
                var start = 0
                while start <= haystack.count - phrase.count {
                    if haystack[start] == first, phrase.indices.allSatisfy({ haystack[start + $0] == phrase[$0] }) { return true }
                    start += 1
                }
                return false
            }
        }
    }
}
