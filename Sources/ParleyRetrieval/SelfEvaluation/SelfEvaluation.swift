import Foundation
import ParleyCore

/// How well retrieval works on one tenant's own content, measured with the questions the content
/// asks itself (`SelfQueries`): each retrieval mode's nDCG@10, MRR@10 and Recall@10, overall and
/// per kind of question, with a 95% bootstrap interval so that a reader can tell a difference
/// from noise.
///
/// It builds a scratch index of the answer-only chunks with the production ranking code
/// (`KnowledgeBase`, the same fusion settings) and never touches the tenant's own indexes.
public struct SelfEvaluation: Sendable {
    public var embedder: (any Embedder)?
    public var settings: KnowledgeBaseSettings
    /// Self-queries of each kind at most.
    public var queriesPerKind: Int
    /// Resamples of the bootstrap intervals.
    public var resamples: Int

    public init(embedder: (any Embedder)?, settings: KnowledgeBaseSettings, queriesPerKind: Int = 200, resamples: Int = 1000) {
        self.embedder = embedder
        self.settings = settings
        self.queriesPerKind = queriesPerKind
        self.resamples = resamples
    }

    /// Evaluates `chunks` (one tenant's). `progress` hears how many chunks are indexed.
    public func run(_ chunks: [KnowledgeChunk], progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> SelfEvaluationReport {
        let queries = SelfQueries.make(from: chunks, limit: queriesPerKind)
        let knowledge = KnowledgeBase(embedder: embedder, vectors: EmbeddedVectorStore(), settings: settings)
        let stripped = chunks.map(SelfQueries.answerOnly)
        var indexed = 0
        for batch in stride(from: 0, to: stripped.count, by: 64).map({ Array(stripped[$0 ..< min($0 + 64, stripped.count)]) }) {
            let vectors = try await knowledge.embed(batch.map(\.text))
            try await knowledge.add(batch.enumerated().map { index, chunk in StoredChunk(chunk: chunk, vector: vectors?[index]) })
            indexed += batch.count
            progress(indexed, stripped.count)
        }
        // Without chunks there are no self-queries, and the tenant is never asked for.
        let tenant = chunks.first?.tenantID ?? TenantID()
        var results: [SelfEvaluationReport.ModeResult] = []
        for mode in knowledge.canEmbed ? [RetrievalMode.lexical, .dense] : [.lexical] {
            var scores: [SelfEvaluationReport.QueryScore] = []
            for query in queries {
                let ranked = try await knowledge.rank(RetrievalQuery(tenantID: tenant, agentCode: "", text: query.text, topK: 10, mode: mode))
                scores.append(Self.score(query, ranking: ranked))
            }
            results.append(.init(mode: mode, scores: scores))
        }
        var weights: [SelfEvaluationReport.WeightScore] = []
        if knowledge.canEmbed {
            let hybrid = try await hybridScores(queries, knowledge: knowledge, tenant: tenant)
            results.append(hybrid.result)
            weights = hybrid.weights
        }
        return SelfEvaluationReport(chunks: chunks.count, queries: queries, modes: results, resamples: resamples, weights: weights)
    }

    /// Hybrid retrieval's scores, ranked as `KnowledgeBase.rank` ranks them, and with the
    /// `absolute` fusion its nDCG@10 for each dense weight of `weightGrid`: how the tenant's own
    /// content would have the two retrievers weighed (the weight the next step of issue 19 fits
    /// per tenant). Each query's two candidate lists are fetched once and fused with every weight.
    private func hybridScores(_ queries: [SelfQuery], knowledge: KnowledgeBase,
                              tenant: TenantID) async throws -> (result: SelfEvaluationReport.ModeResult, weights: [SelfEvaluationReport.WeightScore]) {
        let curve = settings.fusion.method == .absolute && !queries.isEmpty
        var scores: [SelfEvaluationReport.QueryScore] = []
        var totals = [Double](repeating: 0, count: Self.weightGrid.count)
        for query in queries {
            let request = RetrievalQuery(tenantID: tenant, agentCode: "", text: query.text, topK: 10)
            let candidates = try await knowledge.hybridCandidates(request)
            func ranking(_ fusion: ScoreFusion) -> [ScoredChunkID] {
                KnowledgeBase.kept(fusion.fuse(dense: candidates.dense, lexical: candidates.lexical, lexicalCeiling: candidates.lexicalCeiling),
                                   for: request)
            }
            scores.append(Self.score(query, ranking: ranking(settings.fusion)))
            guard curve else { continue }
            for (index, alpha) in Self.weightGrid.enumerated() {
                var fusion = settings.fusion
                fusion.alpha = alpha
                totals[index] += Self.score(query, ranking: ranking(fusion)).ndcgAt10
            }
        }
        let weights = curve ? zip(Self.weightGrid, totals).map { SelfEvaluationReport.WeightScore(alpha: $0, ndcgAt10: $1 / Double(queries.count)) } : []
        return (.init(mode: .hybrid, scores: scores), weights)
    }

    /// One self-query's nDCG@10, MRR@10 and Recall@10 for a ranking.
    static func score(_ query: SelfQuery, ranking: [ScoredChunkID]) -> SelfEvaluationReport.QueryScore {
        let ids = ranking.map(\.id.description)
        let grades = Dictionary(uniqueKeysWithValues: query.relevant.map { ($0.description, 1) })
        return .init(kind: query.kind,
                     ndcgAt10: RankingMetrics.ndcg(ranking: ids, judgements: grades, k: 10),
                     mrrAt10: RankingMetrics.reciprocalRank(ranking: ids, judgements: grades, k: 10),
                     recallAt10: RankingMetrics.recall(ranking: ids, judgements: grades, k: 10))
    }

    /// The dense weights tried: 0, 0.1, …, 1.
    static let weightGrid = (0 ... 10).map { Double($0) / 10 }
}
