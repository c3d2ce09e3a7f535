import Foundation

/// Readable text pulled out of a source, kept in sections under their headings so that
/// chunks can say where in the document they come from.
public struct ExtractedDocument: Sendable, Equatable {
    public struct Section: Sendable, Equatable {
        /// Headings from the outermost to this section's own (empty before the first heading).
        public var headingPath: [String]
        /// Paragraphs of plain text, in order.
        public var paragraphs: [String]

        public init(headingPath: [String], paragraphs: [String]) {
            self.headingPath = headingPath
            self.paragraphs = paragraphs
        }
    }

    public var title: String
    public var sections: [Section]
    /// Links found in the document (absolute or as written), for crawling.
    public var links: [String]

    public init(title: String, sections: [Section], links: [String] = []) {
        self.title = title
        self.sections = sections.filter { !$0.paragraphs.isEmpty }
        self.links = links
    }

    /// A plain text, paragraphs separated by blank lines.
    public init(title: String, plainText: String) {
        self.init(title: title, sections: [Section(headingPath: [], paragraphs: Self.paragraphs(of: plainText))])
    }

    /// All the text, for hashing and for storing as the source's content.
    public var fullText: String {
        sections.map { ($0.headingPath.last.map { [$0] } ?? []) + $0.paragraphs }
            .flatMap { $0 }
            .joined(separator: "\n\n")
    }

    public var isEmpty: Bool { sections.allSatisfy { $0.paragraphs.allSatisfy { $0.isEmpty } } }

    /// Splits at blank lines, folding the lines within a paragraph into one, whitespace collapsed.
    static func paragraphs(of text: String) -> [String] {
        var result: [String] = []
        var current: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                if !current.isEmpty { result.append(current.joined(separator: " ")) }
                current = []
            } else {
                current.append(collapsingWhitespace(trimmed))
            }
        }
        if !current.isEmpty { result.append(current.joined(separator: " ")) }
        return result
    }

    static func collapsingWhitespace(_ text: some StringProtocol) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
