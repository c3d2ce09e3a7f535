import Dispatch
import Foundation
import ParleyCore

/// The default `VectorStore`: every tenant's vectors in memory (loaded from the database at
/// start), searched exactly with BLAS. Searches and updates run on one dedicated serial queue,
/// never on an event loop or the concurrency pool, and never nest BLAS threads.
public final class EmbeddedVectorStore: VectorStore, @unchecked Sendable {
    public var name: String { "embedded" }
    public var isShared: Bool { false }
    private let queue = DispatchQueue(label: "parley.vectors", qos: .userInitiated)
    /// Only touched on `queue`.
    private var indexes: [TenantID: (model: EmbeddingModelInfo, index: VectorIndex)] = [:]

    public init() {}

    public func upsert(_ entries: [VectorEntry]) async throws {
        try await queue.perform { try self.apply(entries) }
    }

    public func delete(_ ids: [ChunkID], tenant: TenantID) async throws {
        try await queue.perform {
            for id in ids { self.indexes[tenant]?.index.remove(id) }
        }
    }

    public func search(_ vector: EmbeddingVector, tenant: TenantID, agent: String?, limit: Int) async throws -> [ScoredChunkID] {
        try await queue.perform {
            guard let entry = self.indexes[tenant] else { return [] }
            guard entry.model == vector.model else { throw VectorStoreError.modelMismatch(stored: entry.model, query: vector.model) }
            return entry.index.search(vector.values, agent: agent, limit: limit)
        }
    }

    private func apply(_ entries: [VectorEntry]) throws {
        for entry in entries {
            let model = entry.vector.model
            guard entry.vector.values.count == model.dimension else {
                throw VectorStoreError.wrongDimension(expected: model.dimension, got: entry.vector.values.count)
            }
            if let existing = indexes[entry.tenantID], existing.model != model, existing.index.count > 0 {
                throw VectorStoreError.modelMismatch(stored: existing.model, query: model)
            }
            if indexes[entry.tenantID]?.model != model {
                indexes[entry.tenantID] = (model, VectorIndex(dimension: model.dimension))
            }
            indexes[entry.tenantID]?.index.add(entry.chunkID, vector: entry.vector.values, agent: entry.agentCode)
        }
    }
}
