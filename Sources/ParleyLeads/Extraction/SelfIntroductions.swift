import Foundation

/// Names from the phrases people introduce themselves with, in the widget's five languages:
/// "I'm Anna", "my name is Anna Berg", "this is Tom from Acme", "ich bin Jonas", "mein Name ist
/// …", "je m'appelle …", "je suis …", "ik ben …", "mijn naam is …", "me llamo …", "soy …", "mi
/// nombre es …". A name is one to three capitalised words right after the phrase. Words that
/// follow such phrases without being names ("I'm interested", "ich bin auf der Suche", "je suis
/// intéressé") are refused by the capital letter and a short list per language, and a word of the
/// tenant's own catalogue ("this is Aurora City?") is never a name. One pass over the words.
public enum SelfIntroductions {
    /// Phrases, lower-case words, each followed by the name. Ambiguous ones ("it's", German "im",
    /// Dutch "met", French "ici") are left out: they are followed by capitalised non-names too often.
    static let phrases: [[String]] = [
        "my name is", "my name's", "name's", "i am", "i'm", "i’m", "this is", "call me",
        "mein name ist", "ich heiße", "ich heisse", "ich bin",
        "je m'appelle", "je m’appelle", "mon nom est", "je suis",
        "mijn naam is", "ik heet", "ik ben",
        "me llamo", "mi nombre es", "soy",
    ].map { $0.split(separator: " ").map(String.init) }

    /// Capitalised words that follow the phrases without being names (lower-cased).
    static let notNames: Set<String> = [
        "interested", "looking", "not", "just", "from", "new", "here", "sorry", "fine", "good", "ok", "okay", "still", "also",
        "very", "happy", "glad", "buying", "calling", "writing", "asking", "available", "the", "a", "an",
        "interessiert", "nicht", "neu", "kunde", "kundin", "gerade", "noch", "sehr", "auch",
        "intéressé", "intéressée", "pas", "très", "client", "cliente", "nouveau", "nouvelle",
        "geïnteresseerd", "geinteresseerd", "niet", "nieuw", "klant", "benieuwd",
        "interesado", "interesada", "muy", "nuevo", "nueva",
    ]

    /// The name the visitor gives in `text`, capitalised as written; nil when none.
    /// `catalogueWords` (lower-cased) are never names.
    public static func name(in text: String, catalogueWords: Set<String> = []) -> String? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
        let lowered = tokens.map { bare($0).lowercased() }
        for index in tokens.indices {
            // Compared in place: an array per token and phrase was most of a message's extraction.
            for phrase in phrases where index + phrase.count < tokens.count && lowered[index] == phrase[0]
                && lowered[index ..< index + phrase.count].elementsEqual(phrase) {
                // Punctuation right after the phrase ("I'm, well…") means no name follows.
                let last = tokens[index + phrase.count - 1]
                guard bare(last).count == last.trimmingCharacters(in: CharacterSet(charactersIn: "\"“(")).count else { continue }
                if let name = capitalisedWords(Array(tokens[(index + phrase.count)...].prefix(3)), catalogueWords: catalogueWords) {
                    return name
                }
            }
        }
        return nil
    }

    /// One to three words, each starting with a capital letter, the first not a known non-name;
    /// punctuation after a word ends the name.
    static func capitalisedWords(_ words: [String], catalogueWords: Set<String>) -> String? {
        var name: [String] = []
        for raw in words {
            let word = bare(raw)
            guard let first = word.first, first.isUppercase, word.count >= 2,
                  word.allSatisfy({ $0.isLetter || $0 == "-" || $0 == "'" || $0 == "’" }),
                  !notNames.contains(word.lowercased()), !catalogueWords.contains(word.lowercased()) else { break }
            name.append(word)
            if word.count < raw.count { break }
        }
        return name.isEmpty ? nil : name.joined(separator: " ")
    }

    /// A word without the punctuation around it.
    static func bare(_ word: String) -> String {
        let scalars = word.unicodeScalars
        guard let first = scalars.firstIndex(where: { !punctuation.contains($0) }),
              let last = scalars.lastIndex(where: { !punctuation.contains($0) }) else { return "" }
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return word }
        return String(scalars[first ... last])
    }

    static let punctuation = Set(",.!?;:()\"“”«»¡¿".unicodeScalars)
}
