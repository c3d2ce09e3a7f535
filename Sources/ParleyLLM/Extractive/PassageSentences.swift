import Synchronization

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

    private let splits = Mutex<[String: Split]>([:])
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func split(_ text: String) -> Split {
        if let kept = splits.withLock({ $0[text] }) { return kept }
        let sentences = TextTerms.sentences(text)
        let split = Split(sentences: sentences, terms: sentences.map(TextTerms.terms))
        splits.withLock { splits in
            if splits.count >= capacity { splits.removeAll(keepingCapacity: true) }
            splits[text] = split
        }
        return split
    }
}
