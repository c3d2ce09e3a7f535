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
        let modes: [RetrievalMode] = knowledge.canEmbed ? [.lexical, .dense, .hybrid] : [.lexical]
        var results: [SelfEvaluationReport.ModeResult] = []
        for mode in modes {
            var perQuery: [SelfEvaluationReport.QueryScore] = []
            for query in queries {
                guard let tenant = chunks.first?.tenantID else { break }
                let ranked = try await knowledge.rank(RetrievalQuery(tenantID: tenant, agentCode: "", text: query.text, topK: 10, mode: mode))
                let ids = ranked.map(\.id.description)
                let grades = Dictionary(uniqueKeysWithValues: query.relevant.map { ($0.description, 1) })
                perQuery.append(.init(kind: query.kind,
                                      ndcgAt10: RankingMetrics.ndcg(ranking: ids, judgements: grades, k: 10),
                                      mrrAt10: RankingMetrics.reciprocalRank(ranking: ids, judgements: grades, k: 10),
                                      recallAt10: RankingMetrics.recall(ranking: ids, judgements: grades, k: 10)))
            }
            results.append(.init(mode: mode, scores: perQuery))
        }
        var weights: [SelfEvaluationReport.WeightScore] = []
        if knowledge.canEmbed, settings.fusion.method == .absolute, let tenant = chunks.first?.tenantID, !queries.isEmpty {
            weights = try await weightCurve(queries, knowledge: knowledge, tenant: tenant)
        }
        return SelfEvaluationReport(chunks: chunks.count, queries: queries, modes: results, resamples: resamples, weights: weights)
    }

    /// Hybrid nDCG@10 over the self-queries for each dense weight of `weightGrid`: how the
    /// tenant's own content would have the two retrievers weighed (the weight the next step of
    /// issue 19 fits per tenant). Each query's two candidate lists are fetched once and fused
    /// with every weight.
    private func weightCurve(_ queries: [SelfQuery], knowledge: KnowledgeBase, tenant: TenantID) async throws -> [SelfEvaluationReport.WeightScore] {
        var totals = [Double](repeating: 0, count: Self.weightGrid.count)
        for query in queries {
            let candidates = try await knowledge.hybridCandidates(RetrievalQuery(tenantID: tenant, agentCode: "", text: query.text, topK: 10))
            let grades = Dictionary(uniqueKeysWithValues: query.relevant.map { ($0.description, 1) })
            for (index, alpha) in Self.weightGrid.enumerated() {
                var fusion = settings.fusion
                fusion.alpha = alpha
                // As `KnowledgeBase.rank` does with the default minimum score of 0.
                let ranked = fusion.fuse(dense: candidates.dense, lexical: candidates.lexical, lexicalCeiling: candidates.lexicalCeiling)
                    .filter { $0.score >= 0 }
                totals[index] += RankingMetrics.ndcg(ranking: ranked.prefix(10).map(\.id.description), judgements: grades, k: 10)
            }
        }
        return zip(Self.weightGrid, totals).map { .init(alpha: $0, ndcgAt10: $1 / Double(queries.count)) }
    }

    /// The dense weights tried: 0, 0.1, …, 1.
    static let weightGrid = (0 ... 10).map { Double($0) / 10 }
}
