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
