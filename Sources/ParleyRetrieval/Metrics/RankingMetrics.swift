import Foundation

/// Ranking-quality metrics with trec_eval's definitions (as BEIR reports them).
///
/// A run is scored documents per query. Documents are ranked by descending score; ties go to
/// the larger document id first (trec_eval sorts ties by docno descending). Relevance judgements
/// give each (query, document) a grade; grade > 0 is relevant. Queries without a relevant
/// document are skipped, as trec_eval does for measures averaged over judged queries.
public enum RankingMetrics {
    public typealias Run = [String: [String: Double]]
    public typealias Judgements = [String: [String: Int]]

    public struct Summary: Sendable, Equatable {
        public var ndcgAt10: Double
        public var recallAt100: Double
        public var mrrAt10: Double
        public var queries: Int
    }

    /// Documents of one query in trec_eval order.
    public static func ranking(_ scores: [String: Double]) -> [String] {
        scores.sorted { lhs, rhs in
            lhs.value != rhs.value ? lhs.value > rhs.value : lhs.key > rhs.key
        }.map(\.key)
    }

    /// nDCG@k with linear gain (the grade) and a log2(rank + 1) discount; the ideal DCG comes
    /// from the judgements themselves.
    public static func ndcg(ranking: [String], judgements: [String: Int], k: Int) -> Double {
        var dcg = 0.0
        for (index, document) in ranking.prefix(k).enumerated() {
            let grade = Double(judgements[document] ?? 0)
            if grade > 0 { dcg += grade / log2(Double(index) + 2) }
        }
        let ideal = judgements.values.filter { $0 > 0 }.sorted(by: >).prefix(k).enumerated()
            .reduce(0.0) { $0 + Double($1.element) / log2(Double($1.offset) + 2) }
        return ideal > 0 ? dcg / ideal : 0
    }

    /// Relevant documents in the first k, over all relevant documents.
    public static func recall(ranking: [String], judgements: [String: Int], k: Int) -> Double {
        let relevant = judgements.filter { $0.value > 0 }
        guard !relevant.isEmpty else { return 0 }
        let found = ranking.prefix(k).filter { (relevant[$0] ?? 0) > 0 }.count
        return Double(found) / Double(relevant.count)
    }

    /// Reciprocal rank of the first relevant document within the first k (0 if none).
    public static func reciprocalRank(ranking: [String], judgements: [String: Int], k: Int) -> Double {
        for (index, document) in ranking.prefix(k).enumerated() where (judgements[document] ?? 0) > 0 {
            return 1 / Double(index + 1)
        }
        return 0
    }

    /// Means over every judged query (a judged query missing from the run scores 0).
    public static func summarize(run: Run, judgements: Judgements) -> Summary {
        var ndcg = 0.0, recall = 0.0, mrr = 0.0, count = 0
        for (query, grades) in judgements where grades.values.contains(where: { $0 > 0 }) {
            let ranked = ranking(run[query] ?? [:])
            ndcg += self.ndcg(ranking: ranked, judgements: grades, k: 10)
            recall += self.recall(ranking: ranked, judgements: grades, k: 100)
            mrr += reciprocalRank(ranking: ranked, judgements: grades, k: 10)
            count += 1
        }
        guard count > 0 else { return Summary(ndcgAt10: 0, recallAt100: 0, mrrAt10: 0, queries: 0) }
        let n = Double(count)
        return Summary(ndcgAt10: ndcg / n, recallAt100: recall / n, mrrAt10: mrr / n, queries: count)
    }
}
