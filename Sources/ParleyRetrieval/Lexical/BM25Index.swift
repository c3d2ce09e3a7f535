import Foundation

/// An in-memory BM25 index with Lucene's scoring:
/// `idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5))`, `tf′ = tf / (tf + k1 · (1 − b + b · dl / avgdl))`,
/// and a document's score is the sum of `idf · tf′` over the query's terms. Documents can be
/// added, replaced and removed at any time (ingestion and deletion keep it current).
public struct BM25Index: Sendable {
    public var k1: Double
    public var b: Double
    public let analyzer: Analyzer

    private var postings: [String: [Int: Int]] = [:]   // term -> document slot -> term frequency
    private var lengths: [Int: Int] = [:]                // slot -> length in terms
    private var slots: [String: Int] = [:]               // document id -> slot
    private var identifiers: [Int: String] = [:]         // slot -> document id
    private var nextSlot = 0
    private var totalLength = 0

    public init(k1: Double = 1.5, b: Double = 0.75, analyzer: Analyzer = Analyzer()) {
        self.k1 = k1
        self.b = b
        self.analyzer = analyzer
    }

    public var count: Int { slots.count }

    /// Adds a document, replacing any earlier document with the same id.
    public mutating func add(id: String, text: String) {
        remove(id: id)
        let slot = nextSlot
        nextSlot += 1
        slots[id] = slot
        identifiers[slot] = id
        let terms = analyzer.terms(text)
        lengths[slot] = terms.count
        totalLength += terms.count
        for term in terms { postings[term, default: [:]][slot, default: 0] += 1 }
    }

    public mutating func remove(id: String) {
        guard let slot = slots.removeValue(forKey: id) else { return }
        identifiers[slot] = nil
        totalLength -= lengths.removeValue(forKey: slot) ?? 0
        for term in Array(postings.keys) where postings[term]?[slot] != nil {
            postings[term]?[slot] = nil
            if postings[term]?.isEmpty == true { postings[term] = nil }
        }
    }

    /// Inverse document frequency of an (analysed) term.
    public func idf(_ term: String) -> Double {
        let documents = Double(slots.count)
        let frequency = Double(postings[term]?.count ?? 0)
        return log(1 + (documents - frequency + 0.5) / (frequency + 0.5))
    }

    /// The `limit` best documents for a query, best first (ties: larger id first), among the
    /// documents `isIncluded` accepts (all by default).
    public func search(_ query: String, limit: Int, where isIncluded: (String) -> Bool = { _ in true }) -> [(id: String, score: Double)] {
        guard !slots.isEmpty, limit > 0 else { return [] }
        let averageLength = Double(totalLength) / Double(slots.count)
        var scores: [Int: Double] = [:]
        for term in analyzer.terms(query) {
            guard let documents = postings[term] else { continue }
            let weight = idf(term)
            for (slot, frequency) in documents {
                let length = Double(lengths[slot] ?? 0)
                let tf = Double(frequency)
                let normalised = tf / (tf + k1 * (1 - b + b * length / max(averageLength, 1e-9)))
                scores[slot, default: 0] += weight * normalised
            }
        }
        var hits: [(id: String, score: Double)] = []
        hits.reserveCapacity(scores.count)
        for (slot, score) in scores {
            guard let id = identifiers[slot], isIncluded(id) else { continue }
            hits.append((id, score))
        }
        hits.sort { $0.score != $1.score ? $0.score > $1.score : $0.id > $1.id }
        return Array(hits.prefix(limit))
    }
}
