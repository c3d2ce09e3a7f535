import ParleyCore
import ParleyRetrieval
import Synchronization

/// The analyzed words of the passages answers were scored against, by chunk.
///
/// Most turns retrieve passages that other turns retrieved before, and analyzing (stemming)
/// their text was most of the confidence scorer's work. An entry is used only while the
/// passage's text and title are the ones it was made from, so an edited chunk is analyzed
/// afresh. Bounded: when full, it starts over.
final class PassageTermsCache: Sendable {
    private struct Entry {
        let text: String
        let title: String
        let terms: Set<String>
    }

    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(capacity: Int = 4_096) {
        self.capacity = max(1, capacity)
    }

    var count: Int { entries.withLock { $0.count } }

    /// The passage's terms (text and title) as `analyzer` reads them.
    func terms(of passage: SourcePassage, analyzer: Analyzer) -> Set<String> {
        if let entry = entries.withLock({ $0[passage.chunkID] }), entry.text == passage.text, entry.title == passage.title {
            return entry.terms
        }
        let terms = Set(analyzer.terms(passage.text + " " + passage.title))
        entries.withLock { entries in
            if entries.count >= capacity, entries[passage.chunkID] == nil { entries.removeAll(keepingCapacity: true) }
            entries[passage.chunkID] = Entry(text: passage.text, title: passage.title, terms: terms)
        }
        return terms
    }
}
