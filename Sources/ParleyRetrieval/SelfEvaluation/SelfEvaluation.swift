import Foundation
import ParleyCore

/// How well retrieval works on one tenant's own content, measured with the questions the content
/// asks itself (`SelfQueries`): each retrieval mode's nDCG@10, MRR@10 and Recall@10, overall and
/// per kind of question, with a 95% bootstrap interval so that a reader can tell a difference
/// from noise; and the dense weight those questions choose for hybrid retrieval (`DenseWeightFit`).
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
    /// Chunks the scratch index holds at most (nil: all). Past it, the index holds the answers
    /// of the self-queries that fit in half of it and a fixed pseudo-random sample of the other
    /// chunks, which bounds the embedding work of a large knowledge base.
    public var chunkLimit: Int?

    public init(embedder: (any Embedder)?, settings: KnowledgeBaseSettings, queriesPerKind: Int = 200, resamples: Int = 1000,
                chunkLimit: Int? = nil) {
        self.embedder = embedder
        self.settings = settings
        self.queriesPerKind = queriesPerKind
        self.resamples = resamples
        self.chunkLimit = chunkLimit
    }

    /// Evaluates `chunks` (one tenant's). `progress` hears how many chunks are indexed.
    public func run(_ chunks: [KnowledgeChunk], progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> SelfEvaluationReport {
        let (indexed, queries) = sample(chunks)
        let knowledge = try await scratchIndex(indexed, progress: progress)
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
        var fit: DenseWeightFit?
        if knowledge.canEmbed {
            let hybrid = try await hybridScores(queries, knowledge: knowledge, tenant: tenant, indexedChunks: indexed.count)
            results.append(hybrid.result)
            fit = hybrid.fit
        }
        return SelfEvaluationReport(chunks: chunks.count, indexedChunks: indexed.count, queries: queries, modes: results,
                                    resamples: resamples, fit: fit)
    }

    /// The dense weight for `chunks` (one tenant's): from the decisiveness of its visitors'
    /// questions (`visitorMargins`, measured on the tenant's own index by
    /// `KnowledgeBase.decisiveness`) when there are at least `DenseWeightFit.minimumVisitorQuestions`
    /// of them, otherwise from that of its self-queries on an answer-only scratch index, with their
    /// curve. Neither a fit by visitors' questions (a daily one, for an active tenant) nor a
    /// knowledge base with too few self-queries builds the scratch index: it re-embeds up to
    /// `chunkLimit` chunks, minutes of both cores for a large knowledge base.
    public func fitDenseWeight(_ chunks: [KnowledgeChunk], visitorMargins: [DecisivenessWeight.Margins] = [],
                               progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> DenseWeightFit {
        let prior = settings.fusion.alpha
        guard embedder != nil, settings.fusion.method != .rrf else { return DenseWeightFit(denseWeight: prior, outcome: .notApplicable) }
        let (indexed, queries) = sample(chunks)
        if var byVisitors = visitorFit(visitorMargins) {
            byVisitors.selfQueries = queries.count   // counted for the report, not asked
            return byVisitors
        }
        let visitors = visitorMargins.isEmpty ? nil : visitorMargins.count
        let unmeasured = DenseWeightFit(denseWeight: prior, outcome: .tooFewQueries, visitorQuestions: visitors, selfQueries: queries.count)
        guard queries.count >= DenseWeightFit.minimumQueries else { return unmeasured }
        let knowledge = try await scratchIndex(indexed, progress: progress)
        let tenant = chunks.first?.tenantID ?? TenantID()
        var fit = try await hybridScores(queries, knowledge: knowledge, tenant: tenant, indexedChunks: indexed.count).fit
        fit.visitorQuestions = visitors
        return fit
    }

    /// The fit the margins of visitors' questions call for, as `fitDenseWeight` makes it; nil
    /// when they are fewer than `DenseWeightFit.minimumVisitorQuestions`, decide nothing, or the
    /// fusion has no dense weight to fit (the self-queries, or the configured weight, decide then).
    /// Cheap (medians and a bootstrap of the margins), so `eval beir` can fit once per query.
    public func visitorFit(_ margins: [DecisivenessWeight.Margins]) -> DenseWeightFit? {
        guard embedder != nil, settings.fusion.method != .rrf, !margins.isEmpty else { return nil }
        let unmeasured = DenseWeightFit(denseWeight: settings.fusion.alpha, outcome: .tooFewQueries, visitorQuestions: margins.count)
        return Self.measured(margins, basis: .visitorQuestions, minimum: DenseWeightFit.minimumVisitorQuestions, into: unmeasured)
    }

    /// `fit` with the weight `margins` call for (`DecisivenessWeight`), or nil when they are
    /// fewer than `minimum` or decide nothing.
    static func measured(_ margins: [DecisivenessWeight.Margins], basis: DenseWeightFit.Basis, minimum: Int = DenseWeightFit.minimumQueries,
                         into fit: DenseWeightFit) -> DenseWeightFit? {
        guard margins.count >= minimum, let weight = DecisivenessWeight.weight(margins) else { return nil }
        var fit = fit
        fit.denseWeight = weight
        fit.outcome = .fitted
        fit.basis = basis
        fit.weightRange = DecisivenessWeight.interval(margins).map { [$0.lowerBound, $0.upperBound] }
        return fit
    }

    /// The chunks the scratch index holds and the self-queries asked of it (`chunkLimit`).
    func sample(_ chunks: [KnowledgeChunk]) -> (chunks: [KnowledgeChunk], queries: [SelfQuery]) {
        let queries = SelfQueries.make(from: chunks, limit: queriesPerKind)
        guard let limit = chunkLimit, chunks.count > limit else { return (chunks, queries) }
        var answers = Set<ChunkID>()
        var kept: [SelfQuery] = []
        for query in queries where answers.union(query.relevant).count <= limit / 2 {
            kept.append(query)
            answers.formUnion(query.relevant)
        }
        var random = SplitMix64(seed: 23)
        let others = chunks.filter { !answers.contains($0.id) }.sorted { $0.id.description < $1.id.description }
            .shuffled(using: &random).prefix(limit - answers.count)
        return (chunks.filter { answers.contains($0.id) } + others, kept)
    }

    /// A knowledge base of the answer-only version of `chunks`, embedded in batches.
    private func scratchIndex(_ chunks: [KnowledgeChunk], progress: @Sendable (Int, Int) -> Void) async throws -> KnowledgeBase {
        let knowledge = KnowledgeBase(embedder: embedder, vectors: EmbeddedVectorStore(), settings: settings)
        let stripped = chunks.map(SelfQueries.answerOnly)
        var indexed = 0
        for batch in stride(from: 0, to: stripped.count, by: 64).map({ Array(stripped[$0 ..< min($0 + 64, stripped.count)]) }) {
            let vectors = try await knowledge.embed(batch.map(\.text))
            try await knowledge.add(batch.enumerated().map { index, chunk in StoredChunk(chunk: chunk, vector: vectors?[index]) })
            indexed += batch.count
            progress(indexed, stripped.count)
        }
        return knowledge
    }

    /// Hybrid retrieval's scores, ranked as `KnowledgeBase.rank` ranks them, and (for the
    /// weighted fusions) each query's nDCG@10 for every dense weight of `weightGrid` (the curve)
    /// and the weight the queries' decisiveness calls for. Each query's two candidate lists are
    /// fetched once and fused with every weight, each used as it is (as a fitted weight is).
    private func hybridScores(_ queries: [SelfQuery], knowledge: KnowledgeBase, tenant: TenantID,
                              indexedChunks: Int) async throws -> (result: SelfEvaluationReport.ModeResult, fit: DenseWeightFit) {
        let weighted = settings.fusion.method != .rrf
        var scores: [SelfEvaluationReport.QueryScore] = []
        var byWeight = [[Double]](repeating: [], count: Self.weightGrid.count)
        var margins: [DecisivenessWeight.Margins] = []
        for query in queries {
            let request = RetrievalQuery(tenantID: tenant, agentCode: "", text: query.text, topK: 10)
            let candidates = try await knowledge.hybridCandidates(request)
            func ranking(_ fusion: ScoreFusion) -> [ScoredChunkID] {
                KnowledgeBase.kept(fusion.fuse(dense: candidates.dense, lexical: candidates.lexical, lexicalCeiling: candidates.lexicalCeiling),
                                   for: request)
            }
            scores.append(Self.score(query, ranking: ranking(settings.fusion)))
            margins.append(.init(lexical: candidates.lexical, dense: candidates.dense, lexicalCeiling: candidates.lexicalCeiling))
            guard weighted else { continue }
            for (index, alpha) in Self.weightGrid.enumerated() {
                var fusion = settings.fusion
                fusion.alpha = alpha
                fusion.adaptsToSpread = false
                byWeight[index].append(Self.score(query, ranking: ranking(fusion)).ndcgAt10)
            }
        }
        var fit = DenseWeightFit(denseWeight: settings.fusion.alpha, outcome: weighted ? .tooFewQueries : .notApplicable,
                                 selfQueries: queries.count, indexedChunks: indexedChunks)
        if weighted, let (curve, best) = DenseWeightFit.curve(grid: Self.weightGrid, scores: byWeight, prior: settings.fusion.alpha) {
            (fit.curve, fit.bestWeight) = (curve, best)
        }
        if weighted, let measured = Self.measured(margins, basis: .selfQueries, into: fit) { fit = measured }
        return (.init(mode: .hybrid, scores: scores), fit)
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
