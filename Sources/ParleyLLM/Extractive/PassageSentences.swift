import ParleyCore

/// A passage's sentences and each sentence's terms, split once per passage text: the same few
/// passages of a knowledge base answer turn after turn, and splitting them was a tenth of the
/// offline answerer's chat turn. Keyed by the text itself, so a result is only ever reused for
/// the very same text; bounded (it starts over when full).
final class PassageSentences: Sendable {
    struct Split: Sendable {
        var sentences: [String]
        var terms: [Set<String>]
    }

    static let shared = PassageSentences(capacity: 4096)

    private let splits: BoundedMemo<String, Split>

    init(capacity: Int) {
        splits = BoundedMemo(capacity: capacity)
    }

    func split(_ text: String) -> Split {
        splits.value(for: text) {
            let sentences = TextTerms.sentences(text)
            return Split(sentences: sentences, terms: sentences.map(TextTerms.terms))
        }
    }
}
