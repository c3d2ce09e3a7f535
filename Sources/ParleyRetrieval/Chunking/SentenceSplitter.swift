import Foundation

/// Splits a paragraph into sentences at `.`, `!`, `?` (and their CJK forms) followed by
/// white space, keeping common abbreviations and decimal numbers intact.
public enum SentenceSplitter {
    static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "inc", "ltd", "co", "no", "fig",
        "approx", "dept", "est", "min", "max", "z.b", "bzw", "ca", "usw",
    ]

    /// One pass over the paragraph's characters; a sentence is a slice of it, trimmed of
    /// spaces (`CharacterSet.whitespaces`, as Foundation trims), taken whole when it ends.
    /// An ASCII paragraph (most of them) is split over its bytes, with the same result.
    public static func sentences(_ paragraph: String) -> [String] {
        let ascii = paragraph.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.allSatisfy { $0 < 0x80 } ? ASCIISentences.split(bytes) : nil
        }
        if let ascii, let ascii { return ascii }
        return characterSentences(paragraph)
    }

    /// The split read character by character: any text.
    static func characterSentences(_ paragraph: String) -> [String] {
        var sentences: [String] = []
        var start = paragraph.startIndex
        var index = paragraph.startIndex
        while index < paragraph.endIndex {
            let character = paragraph[index]
            let after = paragraph.index(after: index)
            if let terminal = terminal(character),
               terminal == .cjk || after == paragraph.endIndex || paragraph[after].isWhitespace,
               character != "." || !endsWithAbbreviation(paragraph[start ..< index]) {
                appendTrimmed(paragraph[start ..< after], to: &sentences)
                start = after
            }
            index = after
        }
        appendTrimmed(paragraph[start...], to: &sentences)
        return sentences
    }

    private static func appendTrimmed(_ text: Substring, to sentences: inout [String]) {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !CharacterSet.whitespaces.contains($0) }),
              let last = scalars.lastIndex(where: { !CharacterSet.whitespaces.contains($0) }) else { return }
        sentences.append(String(scalars[first ... last]))
    }

    enum Terminal { case latin, cjk }

    /// Whether the character ends a sentence: a lone `.`, `!`, `?` or their CJK forms. Read from
    /// its one scalar: `String.contains(Character)` walked the six terminals' graphemes for
    /// every character of every paragraph (no other character is canonically equal to these).
    static func terminal(_ character: Character) -> Terminal? {
        let scalars = character.unicodeScalars
        guard let scalar = scalars.first, scalars.index(after: scalars.startIndex) == scalars.endIndex else { return nil }
        switch scalar.value {
        case 0x2E, 0x21, 0x3F: return .latin
        case 0x3002, 0xFF01, 0xFF1F: return .cjk
        default: return nil
        }
    }

    /// Whether the text before a `.` ends with an abbreviation or an initial: its last word,
    /// read backwards from its end.
    private static func endsWithAbbreviation(_ text: Substring) -> Bool {
        guard let end = text.lastIndex(where: { !$0.isWhitespace }) else { return false }
        let head = text[...end]
        let start = head.lastIndex(where: { $0.isWhitespace }).map { head.index(after: $0) } ?? head.startIndex
        let word = head[start...].lowercased()
        if abbreviations.contains(word) { return true }
        // A single letter ("J. Smith") is an initial, not a sentence end.
        return word.count == 1 && word.first?.isLetter == true
    }
}
