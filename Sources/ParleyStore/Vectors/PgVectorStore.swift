import FluentKit
import Foundation
import Logging
import ParleyCore
import SQLKit

/// A `VectorStore` in PostgreSQL with pgvector: one table per vector dimension, rows keyed by
/// chunk id (deleted with their chunk), and an HNSW cosine index per tenant (a partial index),
/// because one index over all tenants post-filters its candidates and returns fewer than k
/// rows for a small tenant (DESIGN.md, measured with pgvector 0.6.2).
public final class PgVectorStore: VectorStore, @unchecked Sendable {
    public var name: String { "pgvector" }
    public var isShared: Bool { true }
    private let database: any SQLDatabase
    private let dimension: Int
    private let model: EmbeddingModelInfo
    private let table: String
    private let indexed = IndexedTenants()
    /// Candidates the HNSW search keeps (`hnsw.ef_search`); at least the requested k.
    public var efSearch = 100

    actor IndexedTenants {
        var tenants: Set<TenantID> = []
        func insert(_ tenant: TenantID) -> Bool { tenants.insert(tenant).inserted }
    }

    /// Fails when the server lacks the `vector` extension (the caller then uses the embedded store).
    public init(database: any Database, model: EmbeddingModelInfo) async throws {
        guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("pgvector needs an SQL database") }
        self.database = sql
        self.model = model
        dimension = model.dimension
        table = "chunk_vectors_d\(model.dimension)"
        try await sql.raw("CREATE EXTENSION IF NOT EXISTS vector").run()
        try await sql.raw("""
            CREATE TABLE IF NOT EXISTS \(ident: table) (
                chunk_id uuid PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
                tenant_id uuid NOT NULL,
                agent_code text,
                model text NOT NULL,
                embedding vector(\(unsafeRaw: String(model.dimension))) NOT NULL)
            """).run()
    }

    /// Whether the server has pgvector available (without creating anything).
    public static func isAvailable(_ database: any Database) async -> Bool {
        guard let sql = database as? any SQLDatabase, sql.dialect.name == "postgresql" else { return false }
        let rows = try? await sql.raw("SELECT 1 AS found FROM pg_available_extensions WHERE name = 'vector'").all()
        return !(rows ?? []).isEmpty
    }

    public func upsert(_ entries: [VectorEntry]) async throws {
        guard !entries.isEmpty else { return }
        for entry in entries {
            guard entry.vector.model == model else { throw VectorStoreError.modelMismatch(stored: model, query: entry.vector.model) }
        }
        for tenant in Set(entries.map(\.tenantID)) { try await ensureIndex(tenant) }
        for batch in stride(from: 0, to: entries.count, by: 200).map({ Array(entries[$0 ..< min($0 + 200, entries.count)]) }) {
            let rows: [SQLQueryString] = batch.map { entry in
                "(\(bind: entry.chunkID.uuid), \(bind: entry.tenantID.uuid), \(bind: entry.agentCode), \(bind: model.name), \(bind: Self.literal(entry.vector.values))::vector)"
            }
            let query: SQLQueryString = "INSERT INTO \(ident: table) (chunk_id, tenant_id, agent_code, model, embedding) VALUES "
                + rows.joined(separator: ", ")
                + " ON CONFLICT (chunk_id) DO UPDATE SET embedding = EXCLUDED.embedding, agent_code = EXCLUDED.agent_code, tenant_id = EXCLUDED.tenant_id"
            try await database.raw(query).run()
        }
    }

    public func delete(_ ids: [ChunkID], tenant: TenantID) async throws {
        guard !ids.isEmpty else { return }
        try await database.delete(from: table)
            .where("tenant_id", .equal, tenant.uuid)
            .where("chunk_id", .in, ids.map(\.uuid))
            .run()
    }

    public func search(_ vector: EmbeddingVector, tenant: TenantID, agent: String?, limit: Int) async throws -> [ScoredChunkID] {
        guard vector.model == model else { throw VectorStoreError.modelMismatch(stored: model, query: vector.model) }
        guard limit > 0 else { return [] }
        let literal = Self.literal(vector.values)
        // SET LOCAL needs a transaction; the search runs in one so the setting cannot leak to other queries.
        let (table, efSearch) = (self.table, self.efSearch)
        let rows = try await database.withSession { session in
            try await session.raw("BEGIN").run()
            do {
                try await session.raw("SET LOCAL hnsw.ef_search = \(unsafeRaw: String(max(efSearch, limit)))").run()
                let rows = try await session.raw("""
                    SELECT chunk_id, 1 - (embedding <=> \(bind: literal)::vector) AS score FROM \(ident: table)
                    WHERE tenant_id = \(bind: tenant.uuid) AND (agent_code IS NULL OR agent_code = \(bind: agent ?? ""))
                    ORDER BY embedding <=> \(bind: literal)::vector LIMIT \(bind: limit)
                    """).all()
                try await session.raw("COMMIT").run()
                return rows
            } catch {
                try? await session.raw("ROLLBACK").run()
                throw error
            }
        }
        return try rows.map { row in
            ScoredChunkID(id: ChunkID(try row.decode(column: "chunk_id", as: UUID.self)), score: try row.decode(column: "score", as: Double.self))
        }
    }

    /// Vectors stored for chunks that have one in `chunks` but not here (after a crash between
    /// the two writes) are added back; returns how many.
    public func repairMissing(batch: Int = 500) async throws -> Int {
        var repaired = 0
        while true {
            let missing = try await database.raw("""
                SELECT c.id FROM chunks c WHERE c.embedding IS NOT NULL AND c.embedding_dimension = \(bind: dimension)
                AND NOT EXISTS (SELECT 1 FROM \(ident: table) v WHERE v.chunk_id = c.id) LIMIT \(bind: batch)
                """).all().map { try $0.decode(column: "id", as: UUID.self) }
            guard !missing.isEmpty, let fluent = database as? any Database else { return repaired }
            let models = try await ChunkModel.query(on: fluent).filter(\.$id ~~ missing).all()
            let entries = try models.compactMap { model -> VectorEntry? in
                let stored = try model.domain()
                return stored.vector.map { VectorEntry(chunkID: stored.chunk.id, tenantID: stored.chunk.tenantID, agentCode: stored.chunk.agentCode, vector: $0) }
            }
            guard !entries.isEmpty else { return repaired }
            try await upsert(entries)
            repaired += entries.count
        }
    }

    private func ensureIndex(_ tenant: TenantID) async throws {
        guard await indexed.insert(tenant) else { return }
        let suffix = tenant.uuid.uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let index = "\(table)_t_\(suffix)"
        try await database.raw("""
            CREATE INDEX IF NOT EXISTS \(ident: index) ON \(ident: table)
            USING hnsw (embedding vector_cosine_ops) WHERE tenant_id = '\(unsafeRaw: tenant.uuid.uuidString.lowercased())'
            """).run()
    }

    /// pgvector's text form: `[0.1,0.2,…]`.
    static func literal(_ values: [Float]) -> String {
        "[" + values.map { String($0) }.joined(separator: ",") + "]"
    }
}
