import Foundation
import ParleyCore

/// An in-memory BM25 index with Lucene's scoring:
/// `idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5))`, `tf′ = tf / (tf + k1 · (1 − b + b · dl / avgdl))`,
/// and a document's score is the sum of `idf · tf′` over the query's terms.
///
/// Laid out for speed at 100k+ chunks: terms are interned to integer ids, postings are flat
/// arrays of (slot, tf), and a query accumulates into a dense score array. Documents can be
/// added, replaced and removed at any time (ingestion and deletion keep it current); removal
/// leaves a tombstone that queries skip, and the postings are compacted once tombstones
/// outnumber a quarter of the slots. Each document may carry a tag (its agent scope) that a
/// search can filter on without a lookup per hit.
public struct BM25Index: Sendable {
    public var k1: Double
    public var b: Double
    public let analyzer: Analyzer

    private struct Posting {
        var slot: Int32
        var frequency: Int32
    }

    private var termIDs: [String: Int32] = [:]
    private var postings: [[Posting]] = []          // term id -> postings (may include dead slots)
    private var documentFrequency: [Int32] = []     // term id -> live documents containing it
    private var lengths: [Int32] = []               // slot -> length in terms
    private var alive: [Bool] = []                  // slot -> not removed
    private var tags: [String?] = []                // slot -> tag
    private var documentTerms: [[Int32]] = []       // slot -> distinct term ids (for removal)
    private var identifiers: [String] = []          // slot -> document id
    private var slots: [String: Int32] = [:]        // document id -> live slot
    private var totalLength = 0
    private var deadSlots = 0

    public init(k1: Double = 1.5, b: Double = 0.75, analyzer: Analyzer = Analyzer()) {
        self.k1 = k1
        self.b = b
        self.analyzer = analyzer
    }

    public var count: Int { slots.count }

    /// Adds a document, replacing any earlier document with the same id.
    public mutating func add(id: String, text: String, tag: String? = nil) {
        remove(id: id)
        let slot = Int32(identifiers.count)
        var frequencies: [Int32: Int32] = [:]
        let terms = analyzer.terms(text)
        for term in terms {
            frequencies[intern(term), default: 0] += 1
        }
        for (term, frequency) in frequencies {
            postings[Int(term)].append(Posting(slot: slot, frequency: frequency))
            documentFrequency[Int(term)] += 1
        }
        identifiers.append(id)
        lengths.append(Int32(terms.count))
        alive.append(true)
        tags.append(tag)
        documentTerms.append(Array(frequencies.keys))
        slots[id] = slot
        totalLength += terms.count
    }

    public mutating func remove(id: String) {
        guard let slot = slots.removeValue(forKey: id) else { return }
        let index = Int(slot)
        alive[index] = false
        totalLength -= Int(lengths[index])
        for term in documentTerms[index] { documentFrequency[Int(term)] -= 1 }
        documentTerms[index] = []
        deadSlots += 1
        if deadSlots > 64, deadSlots * 4 > identifiers.count { compact() }
    }

    /// Inverse document frequency of an (analysed) term.
    public func idf(_ term: String) -> Double {
        let frequency = termIDs[term].map { Double(documentFrequency[Int($0)]) } ?? 0
        return log(1 + (Double(slots.count) - frequency + 0.5) / (frequency + 0.5))
    }

    /// The most any document could score for `query`: the sum of its terms' IDF (a term the
    /// index has never seen counts with document frequency 0), reached only in the limit of a
    /// document holding every term infinitely often. Hybrid fusion divides BM25 scores by it to
    /// put them on a scale that means the same for every query.
    public func attainableScore(_ query: String) -> Double {
        analyzer.terms(query).reduce(0) { $0 + idf($1) }
    }

    /// The `limit` best documents for a query, best first (ties: larger id first), among those
    /// an agent may see: untagged, or tagged with `agent` (`KnowledgeChunk.isVisible(scope:to:)`).
    public func search(_ query: String, limit: Int, visibleTo agent: String?) -> [(id: String, score: Double)] {
        guard !slots.isEmpty, limit > 0 else { return [] }
        let averageLength = max(Double(totalLength) / Double(slots.count), 1e-9)
        var scores = [Double](repeating: 0, count: identifiers.count)
        var touched: [Int32] = []
        for term in analyzer.terms(query) {
            guard let termID = termIDs[term] else { continue }
            let weight = idf(term)
            // A term repeated in the query counts once per occurrence.
            for posting in postings[Int(termID)] {
                let slot = Int(posting.slot)
                guard alive[slot] else { continue }
                let tf = Double(posting.frequency)
                let normalised = tf / (tf + k1 * (1 - b + b * Double(lengths[slot]) / averageLength))
                if scores[slot] == 0 { touched.append(posting.slot) }
                scores[slot] += weight * normalised
            }
        }
        var best: [(id: String, score: Double)] = []
        best.reserveCapacity(limit + 1)
        var floor = -Double.infinity
        for slot32 in touched {
            let slot = Int(slot32)
            let score = scores[slot]
            guard score >= floor, KnowledgeChunk.isVisible(scope: tags[slot], to: agent) else { continue }
            let candidate = (id: identifiers[slot], score: score)
            let position = best.firstIndex { Self.ranksBefore(candidate, $0) } ?? best.count
            guard position < limit else { continue }
            best.insert(candidate, at: position)
            if best.count > limit { best.removeLast() }
            if best.count == limit { floor = best[limit - 1].score }
        }
        return best
    }

    private static func ranksBefore(_ lhs: (id: String, score: Double), _ rhs: (id: String, score: Double)) -> Bool {
        lhs.score != rhs.score ? lhs.score > rhs.score : lhs.id > rhs.id
    }

    private mutating func intern(_ term: String) -> Int32 {
        if let id = termIDs[term] { return id }
        let id = Int32(postings.count)
        termIDs[term] = id
        postings.append([])
        documentFrequency.append(0)
        return id
    }

    /// Drops dead slots from every posting list and renumbers the live ones.
    private mutating func compact() {
        var newSlot = [Int32](repeating: -1, count: identifiers.count)
        var next: Int32 = 0
        for slot in identifiers.indices where alive[slot] {
            newSlot[slot] = next
            next += 1
        }
        for term in postings.indices {
            postings[term] = postings[term].compactMap { posting in
                let mapped = newSlot[Int(posting.slot)]
                return mapped < 0 ? nil : Posting(slot: mapped, frequency: posting.frequency)
            }
        }
        let live = identifiers.indices.filter { alive[$0] }
        identifiers = live.map { identifiers[$0] }
        lengths = live.map { lengths[$0] }
        tags = live.map { tags[$0] }
        documentTerms = live.map { documentTerms[$0] }
        alive = [Bool](repeating: true, count: live.count)
        slots = Dictionary(uniqueKeysWithValues: identifiers.enumerated().map { ($0.element, Int32($0.offset)) })
        deadSlots = 0
    }
}
