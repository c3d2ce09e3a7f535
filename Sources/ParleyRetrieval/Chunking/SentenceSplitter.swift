import Foundation

/// Splits a paragraph into sentences at `.`, `!`, `?` (and their CJK forms) followed by
/// white space, keeping common abbreviations and decimal numbers intact.
public enum SentenceSplitter {
    private static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "inc", "ltd", "co", "no", "fig",
        "approx", "dept", "est", "min", "max", "z.b", "bzw", "ca", "usw",
    ]

    public static func sentences(_ paragraph: String) -> [String] {
        var sentences: [String] = []
        var current = ""
        let characters = Array(paragraph)
        for (index, character) in characters.enumerated() {
            current.append(character)
            guard let terminal = terminal(character) else { continue }
            let next = index + 1 < characters.count ? characters[index + 1] : " "
            guard terminal == .cjk || next.isWhitespace else { continue }
            if character == ".", endsWithAbbreviation(current) { continue }
            let sentence = current.trimmingCharacters(in: .whitespaces)
            if !sentence.isEmpty { sentences.append(sentence) }
            current = ""
        }
        let rest = current.trimmingCharacters(in: .whitespaces)
        if !rest.isEmpty { sentences.append(rest) }
        return sentences
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

    private static func endsWithAbbreviation(_ text: String) -> Bool {
        let word = text.dropLast().split(whereSeparator: { $0.isWhitespace }).last.map(String.init)?.lowercased() ?? ""
        if abbreviations.contains(word) { return true }
        // A single letter ("J. Smith") is an initial, not a sentence end.
        return word.count == 1 && word.first?.isLetter == true
    }
}
