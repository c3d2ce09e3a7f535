import Foundation
import ParleyCore

/// Small text utilities for the extractive answerer: content words and sentences.
enum TextTerms {
    static let stopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "could", "do", "does", "for", "from",
        "have", "has", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "no", "not", "of", "on",
        "or", "our", "please", "so", "such", "tell", "that", "the", "their", "then", "there", "these", "they",
        "this", "to", "us", "was", "we", "what", "when", "where", "which", "who", "why", "will", "with",
        "would", "you", "your", "about", "any", "did", "should", "shall", "may", "might", "must",
    ]

    static let greetings: Set<String> = ["hi", "hello", "hey", "hallo", "hola", "bonjour", "good morning", "good afternoon", "good evening"]

    /// Lower-cased content words, with a light plural stemming so "plans" matches "plan".
    static func terms(_ text: String) -> Set<String> {
        var result = Set<String>()
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            var term = String(word)
            guard !stopWords.contains(term) else { continue }
            if term.count > 4, term.hasSuffix("s"), !term.hasSuffix("ss") { term.removeLast() }
            result.insert(term)
        }
        return result
    }

    /// The longest greeting, in bytes: a longer text is not one, whatever its case.
    private static let longestGreeting = greetings.map(\.utf8.count).max() ?? 0

    /// Whether the whole text, punctuation and white space aside, is a greeting. Asked of every
    /// question: the ends are trimmed first, and only a text short enough is lower-cased.
    static func isGreeting(_ text: String) -> Bool {
        let cleaned = text.trimmingPunctuationAndWhitespace()
        guard cleaned.utf8.count <= longestGreeting * 3 else { return false }
        return greetings.contains(cleaned.lowercased())
    }

    /// Sentences split at `.`, `!`, `?` followed by white space, and at line breaks.
    static func sentences(_ text: String) -> [String] {
        var sentences: [String] = []
        var current = ""
        let characters = Array(text)
        for (index, character) in characters.enumerated() {
            if character == "\n" {
                flush(&current, into: &sentences)
                continue
            }
            current.append(character)
            if ".!?".contains(character), index + 1 == characters.count || characters[index + 1].isWhitespace {
                flush(&current, into: &sentences)
            }
        }
        flush(&current, into: &sentences)
        return sentences
    }

    private static func flush(_ current: inout String, into sentences: inout [String]) {
        let trimmed = current.trimmingCharacters(in: .whitespaces)
        if trimmed.count > 1 { sentences.append(trimmed) }
        current = ""
    }
}
