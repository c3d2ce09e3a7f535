import ParleyCore
import ParleyRetrieval

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

    private let entries: BoundedMemo<String, Entry>

    init(capacity: Int = 4_096) {
        entries = BoundedMemo(capacity: capacity)
    }

    var capacity: Int { entries.capacity }
    var count: Int { entries.count }

    /// The passage's terms (text and title) as `analyzer` reads them.
    func terms(of passage: SourcePassage, analyzer: Analyzer) -> Set<String> {
        entries.value(for: passage.chunkID, isCurrent: { $0.text == passage.text && $0.title == passage.title }) {
            Entry(text: passage.text, title: passage.title, terms: Set(analyzer.terms(passage.text + " " + passage.title)))
        }.terms
    }
}
