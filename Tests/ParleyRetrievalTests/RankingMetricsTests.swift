import Foundation
import ParleyRetrieval
import Testing

/// Metrics against small cases computed by hand.
@Suite("Ranking metrics")
struct RankingMetricsTests {
    @Test func tiesBreakByDocumentIDDescending() {
        #expect(RankingMetrics.ranking(["a": 1, "b": 2, "c": 1, "d": 0.5]) == ["b", "c", "a", "d"])
    }

    @Test func ndcgByHand() {
        // Relevant d1 (grade 1) at rank 2 and d2 (grade 2) at rank 3; ideal puts d2 then d1.
        // DCG = 1/log2(3) + 2/log2(4) = 0.63093 + 1 = 1.63093; IDCG = 2/log2(2) + 1/log2(3) = 2.63093.
        let value = RankingMetrics.ndcg(ranking: ["x", "d1", "d2"], judgements: ["d1": 1, "d2": 2], k: 10)
        #expect(abs(value - 1.6309297535714575 / 2.6309297535714575) < 1e-12)
        #expect(RankingMetrics.ndcg(ranking: ["d2", "d1"], judgements: ["d1": 1, "d2": 2], k: 10) == 1)
        // Cut-off: the relevant document at rank 3 does not count at k = 2.
        #expect(RankingMetrics.ndcg(ranking: ["x", "y", "d1"], judgements: ["d1": 1], k: 2) == 0)
    }

    @Test func recallAndReciprocalRankByHand() {
        let judgements = ["a": 1, "b": 1, "c": 1, "z": 0]
        #expect(RankingMetrics.recall(ranking: ["a", "x", "b", "z"], judgements: judgements, k: 100) == 2.0 / 3.0)
        #expect(RankingMetrics.recall(ranking: ["a", "x", "b"], judgements: judgements, k: 1) == 1.0 / 3.0)
        #expect(RankingMetrics.reciprocalRank(ranking: ["x", "z", "c"], judgements: judgements, k: 10) == 1.0 / 3.0)
        #expect(RankingMetrics.reciprocalRank(ranking: ["x", "y"], judgements: judgements, k: 10) == 0)
    }

    @Test func summaryAveragesJudgedQueriesOnly() {
        let run: RankingMetrics.Run = ["q1": ["a": 2, "b": 1], "q2": ["c": 1], "q3": ["d": 1]]
        let judgements: RankingMetrics.Judgements = ["q1": ["a": 1], "q2": ["x": 1], "q3": ["d": 0], "q4": ["e": 1]]
        let summary = RankingMetrics.summarize(run: run, judgements: judgements)
        // q1 perfect, q2 and q4 (not in the run) score 0; q3 has no relevant document and is skipped.
        #expect(summary.queries == 3)
        #expect(abs(summary.ndcgAt10 - 1.0 / 3.0) < 1e-12)
        #expect(abs(summary.mrrAt10 - 1.0 / 3.0) < 1e-12)
        #expect(abs(summary.recallAt100 - 1.0 / 3.0) < 1e-12)
    }
}
