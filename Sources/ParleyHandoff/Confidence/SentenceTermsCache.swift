import ParleyCore

/// The analyzed words of answer sentences the confidence scorer has seen, by the sentence's text.
///
/// The offline answerer builds its answers from the knowledge base's own sentences, so the same
/// few hundred sentences come back turn after turn, and stemming them again was half of the
/// scorer's work (2% of a turn at 64 visitors, `perf`). A model's sentences rarely repeat: they
/// cost one lookup more each. Bounded twice: only sentences of at most `maxSentenceBytes` are
/// kept, and when `capacity` is reached it starts over, so neither a long answer nor many
/// answers can grow it past about `capacity × maxSentenceBytes` of text.
final class SentenceTermsCache: Sendable {
    let maxSentenceBytes: Int
    private let memo: BoundedMemo<String, Set<String>>

    init(capacity: Int = 4_096, maxSentenceBytes: Int = 512) {
        memo = BoundedMemo(capacity: capacity)
        self.maxSentenceBytes = maxSentenceBytes
    }

    var capacity: Int { memo.capacity }
    var count: Int { memo.count }

    /// The sentence's terms, from the cache or from `analyze` (whose result is then kept).
    func terms(of sentence: String, analyze: (String) -> Set<String>) -> Set<String> {
        guard sentence.utf8.count <= maxSentenceBytes else { return analyze(sentence) }
        return memo.value(for: sentence) { analyze(sentence) }
    }
}
