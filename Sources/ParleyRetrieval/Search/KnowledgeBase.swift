import Foundation
import ParleyCore
import Metrics

/// Settings of the knowledge base that are not per agent.
public struct KnowledgeBaseSettings: Sendable, Equatable {
    public var fusion: ScoreFusion
    /// How many candidates each ranking contributes before fusion.
    public var candidates: Int
    public var bm25K1: Double
    public var bm25B: Double

    public init(fusion: ScoreFusion = ScoreFusion(), candidates: Int = 100, bm25K1: Double = 1.5, bm25B: Double = 0.75) {
        self.fusion = fusion
        self.candidates = candidates
        self.bm25K1 = bm25K1
        self.bm25B = bm25B
    }
}

/// Every tenant's searchable chunks: a BM25 index per tenant, the vectors in a `VectorStore`,
/// and the chunks' text and citation data. It is the chat turn's `Retriever` and what
/// ingestion updates. Tenants are separate indexes, so a query can only ever see its own.
public actor KnowledgeBase: Retriever {
    public nonisolated let name: String
    public nonisolated let settings: KnowledgeBaseSettings
    private let embedder: (any Embedder)?
    private let vectors: (any VectorStore)?
    private let analyzer = Analyzer(stem: PorterStemmer.stem)
    private var lexical: [TenantID: BM25Index] = [:]
    private var chunks: [ChunkID: KnowledgeChunk] = [:]
    /// The chunk ids of each source this process holds (what a change of the source replaces).
    private var bySource: [SourceID: Set<ChunkID>] = [:]
    /// Each tenant's topic names, computed once after its chunks last changed (the lead
    /// extractor asks for them on every visitor message).
    private var topics: [TenantID: [String]] = [:]
    /// Each tenant's dense weight fitted to its own content (`DenseWeightFit`); a tenant without
    /// one uses `settings.fusion.alpha`.
    private var denseWeights: [TenantID: Double] = [:]

    /// `embedder` and `vectors` are nil when embeddings are off: dense and hybrid queries then
    /// fall back to lexical retrieval.
    public init(embedder: (any Embedder)?, vectors: (any VectorStore)?, settings: KnowledgeBaseSettings = KnowledgeBaseSettings()) {
        self.embedder = embedder
        self.vectors = embedder == nil ? nil : vectors
        self.settings = settings
        name = embedder == nil || vectors == nil ? "lexical" : "hybrid(\(vectors?.name ?? ""))"
    }

    public nonisolated var canEmbed: Bool { embedder != nil && vectors != nil }

    /// The model whose vectors this knowledge base stores (nil when embeddings are off).
    public nonisolated var embeddingModel: EmbeddingModelInfo? { canEmbed ? embedder?.model : nil }

    /// Indexes chunks (replacing any with the same ids). Chunks with vectors go to the vector store.
    public func add(_ stored: [StoredChunk]) async throws {
        let entries = stored.compactMap { item in
            item.vector.map { VectorEntry(chunkID: item.chunk.id, tenantID: item.chunk.tenantID, agentCode: item.chunk.agentCode, vector: $0) }
        }
        if let vectors, !entries.isEmpty { try await vectors.upsert(entries) }
        addWithoutVectors(stored.map(\.chunk))
    }

    /// Adds chunks to the lexical index and chunk table only (their vectors are already in a
    /// persistent vector store such as pgvector or Pinecone).
    public func addWithoutVectors(_ stored: [KnowledgeChunk]) {
        for chunk in stored {
            topics[chunk.tenantID] = nil
            chunks[chunk.id] = chunk
            bySource[chunk.sourceID, default: []].insert(chunk.id)
            lexical[chunk.tenantID, default: BM25Index(k1: settings.bm25K1, b: settings.bm25B, analyzer: analyzer)]
                .add(id: chunk.id.description, text: Self.indexedText(chunk), tag: chunk.agentCode)
        }
    }

    /// Removes the tenant's chunks `ids` (a deleted source's, as the database returned them).
    /// The vector store deletes them whether or not this process still holds them in memory: the
    /// reload loop may have applied the source's deletion first (it forgets the chunks without
    /// touching a shared store), and the vectors must not outlive their source. Every vector
    /// store deletes within the tenant only.
    public func remove(_ ids: [ChunkID], tenant: TenantID) async throws {
        if let vectors, !ids.isEmpty { try await vectors.delete(ids, tenant: tenant) }
        forget(ids.filter { chunks[$0]?.tenantID == tenant }, tenant: tenant)
    }

    /// Makes this process's view of one source what the database holds now (`stored`; empty
    /// when the source was deleted), after another process changed it. A shared vector store
    /// (pgvector, Pinecone) already holds the new vectors and is not written; the embedded
    /// store is this process's own and is brought up to date. Applying it twice changes nothing.
    public func synchronize(source: SourceID, tenant: TenantID, to stored: [StoredChunk]) async throws {
        let current = bySource[source, default: []].filter { chunks[$0]?.tenantID == tenant }
        let incoming = stored.filter { $0.chunk.tenantID == tenant && $0.chunk.sourceID == source }
        let gone = Array(current.subtracting(incoming.map(\.chunk.id)))
        if let vectors, !vectors.isShared {
            if !gone.isEmpty { try await vectors.delete(gone, tenant: tenant) }
            try await add(incoming)
        } else {
            addWithoutVectors(incoming.map(\.chunk))
        }
        forget(gone, tenant: tenant)
    }

    /// Drops chunks from the in-memory indexes only.
    private func forget(_ ids: [ChunkID], tenant: TenantID) {
        if !ids.isEmpty { topics[tenant] = nil }
        for id in ids {
            if let source = chunks[id]?.sourceID {
                bySource[source]?.remove(id)
                if bySource[source]?.isEmpty == true { bySource[source] = nil }
            }
            chunks[id] = nil
            lexical[tenant]?.remove(id: id.description)
        }
    }

    /// Sets the tenant's fitted dense weight (nil: back to the configured one). Weights outside
    /// [0, 1] are clamped. A fitted weight is used as it is, for every question
    /// (`ScoreFusion.adaptsToSpread` off).
    public func setDenseWeight(_ weight: Double?, tenant: TenantID) {
        denseWeights[tenant] = weight.map { min(max($0, 0), 1) }
    }

    /// The fusion hybrid retrieval uses for the tenant: the configured one with its fitted weight.
    public func fusion(for tenant: TenantID) -> ScoreFusion {
        var fusion = settings.fusion
        if let weight = denseWeights[tenant] {
            fusion.alpha = weight
            fusion.adaptsToSpread = false
        }
        return fusion
    }

    public func chunkCount(tenant: TenantID) -> Int { lexical[tenant]?.count ?? 0 }

    /// At most this many topic names per tenant are kept.
    public static let topicLimit = 5000

    /// The names the tenant's knowledge base gives its topics: source titles and section headings,
    /// each once, at most `topicLimit` (what the lead extractor matches visitors' interests against).
    public func topicNames(tenant: TenantID) -> [String] {
        let limit = Self.topicLimit
        if let known = topics[tenant] { return known }
        var seen = Set<String>()
        var names: [String] = []
        for chunk in chunks.values where chunk.tenantID == tenant {
            for name in [chunk.title] + chunk.headingPath where names.count < limit && seen.insert(name).inserted {
                names.append(name)
            }
        }
        names.sort()
        topics[tenant] = names
        return names
    }

    /// Embeds texts with the knowledge base's embedder (nil when embeddings are off).
    public nonisolated func embed(_ texts: [String]) async throws -> [EmbeddingVector]? {
        guard let embedder else { return nil }
        return try await embedder.embed(texts)
    }

    public func retrieve(_ query: RetrievalQuery) async throws -> [SourcePassage] {
        let started = ContinuousClock.now
        defer { Self.retrievalTimer(query.mode).recordElapsed(since: started) }
        let result = try await rankings(query)
        let cosines = Dictionary(result.dense.map { ($0.id, $0.score) }, uniquingKeysWith: max)
        let ceiling = result.lexicalCeiling
        let matches = Dictionary(result.lexical.map { ($0.id, ceiling > 0 ? min($0.score / ceiling, 1) : 0) }, uniquingKeysWith: max)
        return result.ranked.compactMap { item in
            guard let chunk = chunks[item.id], chunk.tenantID == query.tenantID else { return nil }
            return SourcePassage(chunkID: chunk.id.description, title: chunk.title, url: chunk.url, text: chunk.text, score: item.score,
                                 similarity: cosines[item.id], lexicalMatch: matches[item.id])
        }
    }

    /// Chunk ids and scores for a query, best first, at most `topK`, none below `minScore`.
    public func rank(_ query: RetrievalQuery) async throws -> [ScoredChunkID] {
        let started = ContinuousClock.now
        defer { Self.retrievalTimer(query.mode).recordElapsed(since: started) }
        return try await rankings(query).ranked
    }

    /// `parley_retrieval_seconds` by mode (embedding the question included).
    private static func retrievalTimer(_ mode: RetrievalMode) -> Metrics.Timer {
        Metrics.Timer(label: "parley_retrieval_seconds", dimensions: [("mode", mode.rawValue)], preferredDisplayUnit: .seconds)
    }

    /// What `retrieve` returns, with each passage's place and score in the lexical and the dense
    /// ranking beside the score it was ranked by: the admin panel's retrieval playground. It is
    /// the same ranking as the chat's, computed by the same code.
    public func explain(_ query: RetrievalQuery) async throws -> RetrievalExplanation {
        let result = try await rankings(query)
        func places(_ list: [ScoredChunkID]) -> [ChunkID: (rank: Int, score: Double)] {
            Dictionary(list.enumerated().map { ($1.id, (rank: $0 + 1, score: $1.score)) }, uniquingKeysWith: { first, _ in first })
        }
        let lexicalPlaces = places(result.lexical)
        let densePlaces = places(result.dense)
        let passages = result.ranked.compactMap { item -> ExplainedPassage? in
            guard let chunk = chunks[item.id], chunk.tenantID == query.tenantID else { return nil }
            return ExplainedPassage(chunk: chunk, score: item.score,
                                    lexical: lexicalPlaces[item.id].map { ExplainedPassage.Place(rank: $0.rank, score: $0.score) },
                                    dense: densePlaces[item.id].map { ExplainedPassage.Place(rank: $0.rank, score: $0.score) })
        }
        return RetrievalExplanation(mode: result.mode, passages: passages, lexicalCandidates: result.lexical.count,
                                    denseCandidates: result.dense.count)
    }

    private func rankings(_ query: RetrievalQuery) async throws -> Rankings {
        let text = query.text.trimmingWhitespaceAndNewlines()
        let mode = canEmbed ? query.mode : (query.mode == .off ? .off : .lexical)
        guard query.topK > 0, !text.isEmpty else { return Rankings(ranked: [], lexical: [], dense: [], lexicalCeiling: 0, mode: mode) }
        var lexicalList: [ScoredChunkID] = []
        var dense: [ScoredChunkID] = []
        var ceiling = 0.0
        let ranked: [ScoredChunkID]
        switch mode {
        case .off:
            ranked = []
        case .lexical:
            lexicalList = lexicalRanking(text, tenant: query.tenantID, agent: query.agentCode, limit: query.topK)
            ceiling = lexical[query.tenantID]?.attainableScore(text) ?? 0
            ranked = lexicalList
        case .dense:
            dense = try await denseRanking(text, tenant: query.tenantID, agent: query.agentCode, limit: query.topK)
            ranked = dense
        case .hybrid:
            let candidates = try await hybridCandidates(query)
            (lexicalList, dense, ceiling) = (candidates.lexical, candidates.dense, candidates.lexicalCeiling)
            ranked = fusion(for: query.tenantID).fuse(dense: dense, lexical: lexicalList, lexicalCeiling: ceiling)
        }
        return Rankings(ranked: Self.kept(ranked, for: query), lexical: lexicalList, dense: dense, lexicalCeiling: ceiling, mode: mode)
    }

    /// The final ranking and the two it came from (empty when the mode did not run one).
    private struct Rankings {
        var ranked: [ScoredChunkID]
        var lexical: [ScoredChunkID]
        var dense: [ScoredChunkID]
        /// The most a BM25 score of this question could be (0 when lexical retrieval did not run).
        var lexicalCeiling: Double
        var mode: RetrievalMode
    }

    /// What of a ranking a query keeps: the first `topK` scoring at least `minScore`.
    static func kept(_ ranked: [ScoredChunkID], for query: RetrievalQuery) -> [ScoredChunkID] {
        Array(ranked.filter { $0.score >= query.minScore }.prefix(query.topK))
    }

    /// The two candidate lists hybrid retrieval would fuse for `query`, and the BM25 ceiling it
    /// would divide by: what fitting a fusion weight needs, without fusing.
    public func hybridCandidates(_ query: RetrievalQuery) async throws -> (lexical: [ScoredChunkID], dense: [ScoredChunkID], lexicalCeiling: Double) {
        let text = query.text.trimmingWhitespaceAndNewlines()
        guard !text.isEmpty else { return ([], [], 0) }
        let limit = max(settings.candidates, query.topK)
        // One after the other: BM25 takes well under a millisecond, and running it beside the
        // query embedding would only take a core from the encoder's parallel work.
        let lexicalList = lexicalRanking(text, tenant: query.tenantID, agent: query.agentCode, limit: limit)
        let dense = canEmbed ? try await denseRanking(text, tenant: query.tenantID, agent: query.agentCode, limit: limit) : []
        return (lexicalList, dense, lexical[query.tenantID]?.attainableScore(text) ?? 0)
    }

    private func lexicalRanking(_ text: String, tenant: TenantID, agent: String, limit: Int) -> [ScoredChunkID] {
        guard let index = lexical[tenant] else { return [] }
        return index.search(text, limit: limit, visibleTo: agent).compactMap { hit in ChunkID(string: hit.id).map { ScoredChunkID(id: $0, score: hit.score) } }
    }

    private func denseRanking(_ text: String, tenant: TenantID, agent: String, limit: Int) async throws -> [ScoredChunkID] {
        guard let embedder, let vectors, lexical[tenant] != nil else { return [] }
        guard let vector = try await embedder.embed([text]).first else { return [] }
        return try await vectors.search(vector, tenant: tenant, agent: agent, limit: limit)
    }

    /// What BM25 sees: the title and heading path count as words of the chunk.
    static func indexedText(_ chunk: KnowledgeChunk) -> String {
        ([chunk.title] + chunk.headingPath + [chunk.text]).joined(separator: "\n")
    }
}
