import Foundation

/// The products and services a tenant offers, as its knowledge base names them (titles and
/// headings), matched against a visitor's message: a catalogue entry is an interest when every
/// significant word of it occurs in the message (case, accents and a plural `s` ignored).
public struct InterestCatalogue: Sendable {
    struct Entry: Sendable {
        var name: String
        var words: [String]
    }

    private let entries: [Entry]
    /// Every significant word of the catalogue (lower-case, accent-free). Kept, not computed:
    /// the extractor reads it for every visitor message.
    public let vocabulary: Set<String>

    /// Words too common to make a match on their own.
    static let stopWords: Set<String> = ["the", "and", "our", "your", "for", "with", "of", "a", "an", "to", "in", "on", "faq", "about",
                                          "frequently", "asked", "questions", "der", "die", "das", "und", "le", "la", "les", "et", "de",
                                          "het", "een", "en", "el", "los", "las", "y", "page", "home", "contact"]

    public init(names: [String]) {
        var seen = Set<String>()
        entries = names.compactMap { name in
            let words = Self.words(name).filter { !Self.stopWords.contains($0) && $0.count >= 3 }
            guard !words.isEmpty, words.count <= 4, seen.insert(words.joined(separator: " ")).inserted else { return nil }
            return Entry(name: name, words: words)
        }
        vocabulary = Set(entries.flatMap(\.words))
    }

    /// The catalogue's names, as the knowledge base writes them.
    public var names: [String] { entries.map(\.name) }

    /// The catalogue's names that `text` mentions, most specific (most words) first.
    public func interests(in text: String) -> [String] {
        let said = Set(Self.words(text))
        return entries.filter { $0.words.allSatisfy(said.contains) }
            .sorted { $0.words.count != $1.words.count ? $0.words.count > $1.words.count : $0.name < $1.name }
            .map(\.name)
    }

    /// Lower-cased, accent-free words with a trailing plural `s` removed. Every visitor message is
    /// read for interests before its answer; most are ASCII, which is read byte by byte (the same
    /// words: folding ASCII only lower-cases it, and its letters and numbers are `A-Z a-z 0-9`),
    /// without Foundation's folding and grapheme breaking.
    static func words(_ text: String) -> [String] {
        text.utf8.allSatisfy({ $0 < 0x80 }) ? asciiWords(text) : foldedWords(text)
    }

    static func foldedWords(_ text: String) -> [String] {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .map { word in word.count > 3 && word.hasSuffix("s") ? String(word.dropLast()) : String(word) }
    }

    static func asciiWords(_ text: String) -> [String] {
        var words: [String] = []
        var word: [UInt8] = []
        func flush() {
            guard !word.isEmpty else { return }
            if word.count > 3 && word.last == UInt8(ascii: "s") { word.removeLast() }
            words.append(String(decoding: word, as: UTF8.self))
            word.removeAll(keepingCapacity: true)
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A") ... UInt8(ascii: "Z"): word.append(byte + 32)
            case UInt8(ascii: "a") ... UInt8(ascii: "z"), UInt8(ascii: "0") ... UInt8(ascii: "9"): word.append(byte)
            default: flush()
            }
        }
        flush()
        return words
    }
}
