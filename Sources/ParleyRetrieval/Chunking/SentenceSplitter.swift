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
            let isTerminal = ".!?。！？".contains(character)
            guard isTerminal else { continue }
            let next = index + 1 < characters.count ? characters[index + 1] : " "
            let isCJK = "。！？".contains(character)
            guard isCJK || next.isWhitespace else { continue }
            if character == ".", endsWithAbbreviation(current) { continue }
            let sentence = current.trimmingCharacters(in: .whitespaces)
            if !sentence.isEmpty { sentences.append(sentence) }
            current = ""
        }
        let rest = current.trimmingCharacters(in: .whitespaces)
        if !rest.isEmpty { sentences.append(rest) }
        return sentences
    }

    private static func endsWithAbbreviation(_ text: String) -> Bool {
        let word = text.dropLast().split(whereSeparator: { $0.isWhitespace }).last.map(String.init)?.lowercased() ?? ""
        if abbreviations.contains(word) { return true }
        // A single letter ("J. Smith") is an initial, not a sentence end.
        return word.count == 1 && word.first?.isLetter == true
    }
}
