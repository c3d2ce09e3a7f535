import Foundation

/// A chunk id with its similarity to a query (cosine for dense stores).
public struct ScoredChunkID: Sendable, Hashable {
    public var id: ChunkID
    public var score: Double

    public init(id: ChunkID, score: Double) {
        self.id = id
        self.score = score
    }
}

/// A vector to store, with the scope it may be seen in.
public struct VectorEntry: Sendable {
    public var chunkID: ChunkID
    public var tenantID: TenantID
    public var agentCode: String?
    public var vector: EmbeddingVector

    public init(chunkID: ChunkID, tenantID: TenantID, agentCode: String?, vector: EmbeddingVector) {
        self.chunkID = chunkID
        self.tenantID = tenantID
        self.agentCode = agentCode
        self.vector = vector
    }
}

/// Nearest-neighbour search over chunk vectors (embedded, pgvector or Pinecone).
/// Every call names its tenant; an implementation never returns another tenant's ids.
public protocol VectorStore: Sendable {
    /// Short name for `/health` and logs.
    var name: String { get }
    /// Whether every process sees the same vectors (pgvector, Pinecone): then only the process
    /// that changes a source writes them, and the others only update their in-memory indexes.
    var isShared: Bool { get }
    func upsert(_ entries: [VectorEntry]) async throws
    func delete(_ ids: [ChunkID], tenant: TenantID) async throws
    /// The `limit` chunks most similar to `vector` that `agent` may see (tenant-wide + its own).
    func search(_ vector: EmbeddingVector, tenant: TenantID, agent: String?, limit: Int) async throws -> [ScoredChunkID]
}

/// Persistence of sources and chunks (the database is the source of truth; indexes are rebuilt from it).
public protocol KnowledgeStore: Sendable {
    /// Records a new source; `locator` is the URL or file name that re-ingestion matches on.
    func createSource(_ source: KnowledgeSource, locator: String?) async throws
    func source(_ id: SourceID, tenant: TenantID) async throws -> KnowledgeSource?
    /// The source of this tenant (and agent scope) added from the same URL or file name, if any.
    func source(kind: SourceKind, locator: String, tenant: TenantID, agent: String?) async throws -> KnowledgeSource?
    func sources(tenant: TenantID) async throws -> [KnowledgeSource]
    /// Marks a source failed with a reason; its earlier chunks (if any) stay as they were.
    func markFailed(_ id: SourceID, tenant: TenantID, reason: String) async throws
    /// Replaces every chunk of the source in one transaction, stores its extracted text and
    /// content hash, and marks it indexed.
    func replaceChunks(of source: KnowledgeSource, with chunks: [StoredChunk], contentHash: String, content: String) async throws
    /// Marks `pending` sources that have no stored input (so no job can finish them) as failed.
    func failOrphanedPending(reason: String) async throws -> Int
    /// Keeps a submitted source's input until its ingestion job has read it (replacing an older one).
    func savePendingInput(_ input: PendingSourceInput) async throws
    func pendingInput(of source: SourceID, tenant: TenantID) async throws -> PendingSourceInput?
    func deletePendingInput(of source: SourceID, tenant: TenantID) async throws
    /// Deletes the source and its chunks; returns the deleted chunk ids (nil when there was no such source).
    func deleteSource(_ id: SourceID, tenant: TenantID) async throws -> [ChunkID]?
    func chunkIDs(of source: SourceID, tenant: TenantID) async throws -> [ChunkID]
    /// Removes every chunk of a source (the source row stays, with a chunk count of 0).
    func deleteChunks(of source: SourceID, tenant: TenantID) async throws
    /// Every chunk of every tenant, in pages, for rebuilding in-memory indexes at start.
    func allChunks(after: ChunkID?, limit: Int) async throws -> [StoredChunk]
    /// The chunks of one source as stored now (with their vectors), in position order.
    func chunks(of source: SourceID, tenant: TenantID) async throws -> [StoredChunk]
    /// Changes to any source's chunks after `id` (oldest first, at most `limit`): what other
    /// processes' in-memory indexes follow. Every chunk write records one in its transaction.
    func knowledgeChanges(after id: Int64, limit: Int) async throws -> [KnowledgeChange]
    /// The id of the newest change (0 when there is none).
    func latestKnowledgeChange() async throws -> Int64
    /// Deletes changes recorded before `cutoff` (housekeeping); returns how many.
    func purgeKnowledgeChanges(before cutoff: Date) async throws -> Int
    /// What the tenant's knowledge base holds now (for its quotas).
    func usage(tenant: TenantID) async throws -> KnowledgeUsage
    /// Bytes of the source's stored extracted text (0 when it has none yet).
    func contentBytes(of source: SourceID, tenant: TenantID) async throws -> Int
}

/// One source whose chunks changed (replaced, removed or the source deleted).
public struct KnowledgeChange: Sendable, Equatable {
    public var id: Int64
    public var tenantID: TenantID
    public var sourceID: SourceID
    public var createdAt: Date

    public init(id: Int64, tenantID: TenantID, sourceID: SourceID, createdAt: Date) {
        self.id = id
        self.tenantID = tenantID
        self.sourceID = sourceID
        self.createdAt = createdAt
    }
}

/// Why a vector store refused vectors (every store: a store never mixes models).
public enum VectorStoreError: Error, Equatable, CustomStringConvertible, ParleyErrorConvertible {
    case modelMismatch(stored: EmbeddingModelInfo, query: EmbeddingModelInfo)
    case wrongDimension(expected: Int, got: Int)

    public var description: String {
        switch self {
        case let .modelMismatch(stored, query):
            "the knowledge base holds vectors of \(stored), not \(query); re-index after changing embeddings.model"
        case let .wrongDimension(expected, got):
            "a vector has \(got) values where its model has \(expected)"
        }
    }

    public var parleyError: ParleyError {
        .internalFailure(description)
    }
}

/// A tenant's fitted dense weight as stored, with the newest knowledge change it was fitted after.
public struct StoredDenseWeightFit: Sendable, Equatable {
    public var tenantID: TenantID
    public var fit: DenseWeightFit
    /// The tenant's newest `knowledge_changes` id when the fit read its chunks (0: none known);
    /// a newer change of the tenant's sources calls for a new fit.
    public var knowledgeChange: Int64
    public var fittedAt: Date

    public init(tenantID: TenantID, fit: DenseWeightFit, knowledgeChange: Int64, fittedAt: Date) {
        self.tenantID = tenantID
        self.fit = fit
        self.knowledgeChange = knowledgeChange
        self.fittedAt = fittedAt
    }
}

/// Each tenant's fitted dense weight (`retrieval_fits`), one row per tenant.
public protocol DenseWeightFitStore: Sendable {
    /// Saves the tenant's fit, replacing the one before.
    func saveFit(_ fit: StoredDenseWeightFit) async throws
    func fit(tenant: TenantID) async throws -> StoredDenseWeightFit?
    /// Every tenant's fit stored at or after `since` (what other processes follow), at most `limit`, oldest first.
    func fits(since: Date, limit: Int) async throws -> [StoredDenseWeightFit]
    /// Tenants whose sources changed after their fit (or that have none), with their newest
    /// change id: what the refit sweep queues. Changes are kept a day (housekeeping).
    func tenantsToRefit(limit: Int) async throws -> [(tenant: TenantID, knowledgeChange: Int64)]
    /// Tenants due a fit for their visitors' sake, with the change id their fit read: those whose
    /// fit is older than `refitAge` and whose visitors wrote within it (their weight follows their
    /// questions), and those with indexed chunks but neither a fit nor a recent change (such as
    /// after an upgrade forgot the fits made the old way).
    func tenantsDueForVisitors(now: Date, refitAge: TimeInterval, limit: Int) async throws -> [(tenant: TenantID, knowledgeChange: Int64)]
}

/// A tenant's visitors' recent questions, which its dense weight is fitted to when there are
/// enough (`DenseWeightFit.Basis.visitorQuestions`).
public protocol VisitorQuestionSource: Sendable {
    /// Visitors' messages of the tenant's most recently active conversations, newest first, at
    /// most `limit`, each with the agent its conversation is with.
    func recentVisitorQuestions(tenant: TenantID, limit: Int) async throws -> [(text: String, agentCode: String)]
}
