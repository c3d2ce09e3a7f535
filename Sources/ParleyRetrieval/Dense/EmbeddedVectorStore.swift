import Dispatch
import Foundation
import ParleyCore

/// The default `VectorStore`: every tenant's vectors in memory (loaded from the database at
/// start), searched exactly with BLAS. Searches and updates run on one dedicated serial queue,
/// never on an event loop or the concurrency pool, and never nest BLAS threads.
public final class EmbeddedVectorStore: VectorStore, @unchecked Sendable {
    public var name: String { "embedded" }
    private let queue = DispatchQueue(label: "parley.vectors", qos: .userInitiated)
    /// Only touched on `queue`.
    private var indexes: [TenantID: (model: EmbeddingModelInfo, index: VectorIndex)] = [:]

    public init() {}

    public func upsert(_ entries: [VectorEntry]) async throws {
        try await run { try self.apply(entries) }
    }

    public func delete(_ ids: [ChunkID], tenant: TenantID) async throws {
        await run {
            for id in ids { self.indexes[tenant]?.index.remove(id) }
        }
    }

    public func search(_ vector: EmbeddingVector, tenant: TenantID, agent: String?, limit: Int) async throws -> [ScoredChunkID] {
        try await run {
            guard let entry = self.indexes[tenant] else { return [] }
            guard entry.model == vector.model else { throw VectorStoreError.modelMismatch(stored: entry.model, query: vector.model) }
            return entry.index.search(vector.values, agent: agent, limit: limit)
        }
    }

    /// Vectors held for a tenant (for `/health` and tests).
    public func count(tenant: TenantID) async -> Int {
        await run { self.indexes[tenant]?.index.count ?? 0 }
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

    private func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }
}

/// Why a vector store refused vectors.
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
