import Foundation

/// Phrases looked for in lower-cased text, compared as UTF-8 bytes: the chat scans every turn's
/// question and answer, and `String.contains` compares grapheme by grapheme (about 0.2 ms a
/// turn). Text from browsers is in composed form (NFC), as the phrases are.
public struct PhraseSet: Sendable {
    private let phrases: [[UInt8]]
    /// For each byte, the phrases that start with it: one pass over the text tries at each
    /// position only the phrases that can start there, where a scan per phrase read the text
    /// once for each of them (the escalation and contact phrase lists hold 30-60 phrases, and
    /// every turn's question and answer are scanned).
    private let startingWith: [[Int]]

    /// `phrases` are lower-case.
    public init(_ phrases: [String]) {
        self.phrases = phrases.map { Array($0.utf8) }
        var startingWith = [[Int]](repeating: [], count: 256)
        for (index, phrase) in self.phrases.enumerated() {
            if let first = phrase.first { startingWith[Int(first)].append(index) }
        }
        self.startingWith = startingWith
    }

    /// Whether `text`, lower-cased, holds one of the phrases.
    public func occurs(in text: String) -> Bool {
        var text = text.lowercased()
        return text.withUTF8 { haystack in
            for start in haystack.indices {
                for index in startingWith[Int(haystack[start])] {
                    let phrase = phrases[index]
                    guard haystack.count - start >= phrase.count else { continue }
                    if phrase.indices.allSatisfy({ haystack[start + $0] == phrase[$0] }) { return true }
                }
            }
            return false
        }
    }
}
