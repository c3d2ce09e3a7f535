import Foundation

/// Turns text into index terms: lower-case, words of two or more letters or digits (the
/// `\b\w\w+\b` rule of bm25s and scikit-learn), Lucene's English stop words removed, then an
/// optional stemmer. The same analyzer must serve documents and queries.
public struct Analyzer: Sendable {
    /// Lucene's English stop set (33 words), as used by the reference BM25 figures.
    public static let luceneEnglishStopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
        "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
        "will", "with",
    ]

    public var stopWords: Set<String>
    public var stem: @Sendable (String) -> String

    public init(stopWords: Set<String> = Analyzer.luceneEnglishStopWords, stem: @escaping @Sendable (String) -> String = { $0 }) {
        self.stopWords = stopWords
        self.stem = stem
    }

    public func terms(_ text: String) -> [String] {
        text.utf8.allSatisfy({ $0 < 128 }) ? asciiTerms(text) : mixedTerms(text)
    }

    /// Text with some non-ASCII characters (a dash, a currency sign, an accented name in an
    /// English page): it is cut at its ASCII separators, which are separators on both paths;
    /// runs of ASCII word bytes are read byte by byte, and only the runs holding a non-ASCII
    /// byte go through the grapheme path. A combining mark is never ASCII, so it stays in the
    /// run of the letter it modifies.
    func mixedTerms(_ text: String) -> [String] {
        var terms: [String] = []
        var run: [UInt8] = []
        run.reserveCapacity(32)
        var runIsASCII = true
        func flush() {
            if !run.isEmpty {
                terms += runIsASCII ? asciiTerms(String(decoding: run, as: UTF8.self))
                                    : characterTerms(String(decoding: run, as: UTF8.self))
            }
            run.removeAll(keepingCapacity: true)
            runIsASCII = true
        }
        for byte in text.utf8 {
            switch byte {
            case 65 ... 90, 97 ... 122, 48 ... 57, 95: run.append(byte)
            case 128...:
                run.append(byte)
                runIsASCII = false
            default: flush()
            }
        }
        flush()
        return terms
    }

    /// The same rule on ASCII text, byte by byte: there a letter is A–Z or a–z and a number 0–9,
    /// so no grapheme breaking or Unicode property lookup is needed (most of a turn's text).
    func asciiTerms(_ text: String) -> [String] {
        var terms: [String] = []
        var current: [UInt8] = []
        current.reserveCapacity(32)
        func flush() {
            if current.count >= 2 {
                let word = String(decoding: current, as: UTF8.self)
                if !stopWords.contains(word) { terms.append(stem(word)) }
            }
            current.removeAll(keepingCapacity: true)
        }
        for byte in text.utf8 {
            switch byte {
            case 65 ... 90: current.append(byte + 32)          // A–Z, lower-cased
            case 97 ... 122, 48 ... 57, 95: current.append(byte)  // a–z, 0–9, _
            default: flush()
            }
        }
        flush()
        return terms
    }

    func characterTerms(_ text: String) -> [String] {
        var terms: [String] = []
        var current = ""
        func flush() {
            if current.count >= 2, !stopWords.contains(current) { terms.append(stem(current)) }
            current = ""
        }
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "_" {
                current.append(character)
            } else {
                flush()
            }
        }
        flush()
        return terms
    }
}
