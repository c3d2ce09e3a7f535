import Foundation
import ParleyCore

/// Chooses the sentences of the retrieved passages that share the most (rare) terms with
/// the question. Ties go to the better-ranked passage, then to the earlier sentence.
struct SentencePicker {
    struct Pick: Equatable {
        var sentence: String
        var citation: Int
        var score: Double
    }

    let terms: Set<String>

    func pick(from passages: [SourcePassage], limit: Int) -> [Pick] {
        var candidates: [(pick: Pick, passage: Int, position: Int)] = []
        let splits = passages.map { PassageSentences.shared.split($0.text) }
        let sentencesByPassage = splits.map(\.sentences)
        let termsByPassage = splits.map(\.terms)
        let documentFrequency = termFrequencies(termsByPassage.flatMap { $0 })
        let sentenceCount = Double(max(1, sentencesByPassage.reduce(0) { $0 + $1.count }))
        for (index, sentences) in sentencesByPassage.enumerated() {
            for (position, sentence) in sentences.enumerated() {
                let words = termsByPassage[index][position]
                let shared = words.intersection(terms)
                guard !shared.isEmpty else { continue }
                let weight = shared.reduce(0.0) { total, term in
                    total + log(1 + sentenceCount / Double(documentFrequency[term] ?? 1))
                }
                // Prefer the retriever's order a little, and sentences that are not too long.
                let score = weight * (1.0 - 0.05 * Double(index)) / (1.0 + Double(max(0, words.count - 40)) / 40)
                candidates.append((Pick(sentence: sentence, citation: index + 1, score: score), index, position))
            }
        }
        let best = candidates.sorted {
            ($0.pick.score, -$0.passage, -$0.position) > ($1.pick.score, -$1.passage, -$1.position)
        }.prefix(limit)
        // Read the chosen sentences in document order, so the answer flows.
        return best.sorted { ($0.passage, $0.position) < ($1.passage, $1.position) }.map(\.pick)
    }

    private func termFrequencies(_ sentences: [Set<String>]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for sentence in sentences {
            for term in sentence where terms.contains(term) { counts[term, default: 0] += 1 }
        }
        return counts
    }
}
