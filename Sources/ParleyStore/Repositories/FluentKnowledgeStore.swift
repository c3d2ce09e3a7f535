import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// `KnowledgeStore` on Fluent. Every query filters on `tenant_id`; chunk replacement and
/// source deletion are single transactions, so a failure never leaves half a source.
public struct FluentKnowledgeStore: KnowledgeStore {
    private let database: any Database
    /// Rows per INSERT statement (well under SQLite's bound-parameter limit).
    private let insertBatch = 200

    public init(database: any Database) {
        self.database = database
    }

    public func createSource(_ source: KnowledgeSource, locator: String?) async throws {
        try await SourceModel(source, locator: locator, content: nil).create(on: database)
    }

    public func source(_ id: SourceID, tenant: TenantID) async throws -> KnowledgeSource? {
        try await SourceModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid).filter(\.$id == id.uuid)
            .first()?.domain()
    }

    public func source(kind: SourceKind, locator: String, tenant: TenantID, agent: String?) async throws -> KnowledgeSource? {
        try await SourceModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid)
            .filter(\.$locator == locator)
            .filter(\.$kind == kind.rawValue)
            .filter(\.$agentCode == agent)
            .sort(\.$createdAt, .descending)
            .first()?.domain()
    }

    public func sources(tenant: TenantID) async throws -> [KnowledgeSource] {
        try await SourceModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid)
            .sort(\.$createdAt, .ascending)
            .all()
            .map { try $0.domain() }
    }

    public func markFailed(_ id: SourceID, tenant: TenantID, reason: String) async throws {
        try await SourceModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid).filter(\.$id == id.uuid)
            .set(\.$status, to: SourceStatus.failed.rawValue)
            .set(\.$failureReason, to: reason)
            .update()
    }

    public func replaceChunks(of source: KnowledgeSource, with chunks: [StoredChunk], contentHash: String, content: String) async throws {
        let now = Date()
        let models = chunks.map { ChunkModel($0, now: now) }
        guard models.allSatisfy({ $0.tenantID == source.tenantID.uuid && $0.sourceID == source.id.uuid }) else {
            throw ParleyError.internalFailure("A chunk does not belong to the source it is stored under.")
        }
        try await database.transaction { transaction in
            try await ChunkModel.query(on: transaction)
                .filter(\.$tenantID == source.tenantID.uuid).filter(\.$sourceID == source.id.uuid)
                .delete()
            var start = 0
            while start < models.count {
                try await Array(models[start ..< min(start + insertBatch, models.count)]).create(on: transaction)
                start += insertBatch
            }
            try await SourceModel.query(on: transaction)
                .filter(\.$tenantID == source.tenantID.uuid).filter(\.$id == source.id.uuid)
                .set(\.$status, to: SourceStatus.indexed.rawValue)
                .set(\.$failureReason, to: nil)
                .set(\.$contentHash, to: contentHash)
                .set(\.$content, to: content)
                .set(\.$title, to: source.title)
                .set(\.$chunkCount, to: chunks.count)
                .set(\.$lastIndexedAt, to: now)
                .update()
            try await KnowledgeChangeLog.record(source: source.id, tenant: source.tenantID, on: transaction)
        }
    }

    public func failOrphanedPending(reason: String) async throws -> Int {
        let waiting = try await PendingSourceInputModel.query(on: database).field(\.$id).all().compactMap(\.id)
        var orphans = SourceModel.query(on: database).filter(\.$status == SourceStatus.pending.rawValue)
        if !waiting.isEmpty { orphans = orphans.filter(\.$id !~ waiting) }
        let ids = try await orphans.field(\.$id).all().compactMap(\.id)
        guard !ids.isEmpty else { return 0 }
        try await SourceModel.query(on: database)
            .filter(\.$id ~~ ids)
            .set(\.$status, to: SourceStatus.failed.rawValue)
            .set(\.$failureReason, to: reason)
            .update()
        return ids.count
    }

    public func savePendingInput(_ input: PendingSourceInput) async throws {
        try await database.transaction { transaction in
            try await PendingSourceInputModel.query(on: transaction)
                .filter(\.$tenantID == input.tenantID.uuid).filter(\.$id == input.sourceID.uuid)
                .delete()
            try await PendingSourceInputModel(input).create(on: transaction)
        }
    }

    public func pendingInput(of source: SourceID, tenant: TenantID) async throws -> PendingSourceInput? {
        try await PendingSourceInputModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid).filter(\.$id == source.uuid)
            .first()?.domain()
    }

    public func deletePendingInput(of source: SourceID, tenant: TenantID) async throws {
        try await PendingSourceInputModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid).filter(\.$id == source.uuid)
            .delete()
    }

    public func deleteSource(_ id: SourceID, tenant: TenantID) async throws -> [ChunkID]? {
        guard try await source(id, tenant: tenant) != nil else { return nil }
        let ids = try await chunkIDs(of: id, tenant: tenant)
        try await database.transaction { transaction in
            try await ChunkModel.query(on: transaction)
                .filter(\.$tenantID == tenant.uuid).filter(\.$sourceID == id.uuid)
                .delete()
            try await SourceModel.query(on: transaction)
                .filter(\.$tenantID == tenant.uuid).filter(\.$id == id.uuid)
                .delete()
            try await KnowledgeChangeLog.record(source: id, tenant: tenant, on: transaction)
        }
        return ids
    }

    public func chunkIDs(of source: SourceID, tenant: TenantID) async throws -> [ChunkID] {
        try await ChunkModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid).filter(\.$sourceID == source.uuid)
            .field(\.$id)
            .all()
            .map { ChunkID(try $0.requireID()) }
    }

    public func deleteChunks(of source: SourceID, tenant: TenantID) async throws {
        try await database.transaction { transaction in
            try await ChunkModel.query(on: transaction)
                .filter(\.$tenantID == tenant.uuid).filter(\.$sourceID == source.uuid)
                .delete()
            try await SourceModel.query(on: transaction)
                .filter(\.$tenantID == tenant.uuid).filter(\.$id == source.uuid)
                .set(\.$chunkCount, to: 0)
                .set(\.$contentHash, to: nil)
                .update()
            try await KnowledgeChangeLog.record(source: source, tenant: tenant, on: transaction)
        }
    }

    public func allChunks(after: ChunkID?, limit: Int) async throws -> [StoredChunk] {
        var query = ChunkModel.query(on: database).sort(\.$id, .ascending).limit(limit)
        if let after { query = query.filter(\.$id > after.uuid) }
        return try await query.all().map { try $0.domain() }
    }

    public func chunks(of source: SourceID, tenant: TenantID) async throws -> [StoredChunk] {
        try await ChunkModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid).filter(\.$sourceID == source.uuid)
            .sort(\.$position, .ascending)
            .all()
            .map { try $0.domain() }
    }

    public func knowledgeChanges(after id: Int64, limit: Int) async throws -> [KnowledgeChange] {
        try await KnowledgeChangeLog.changes(after: id, limit: limit, on: database)
    }

    public func latestKnowledgeChange() async throws -> Int64 {
        try await KnowledgeChangeLog.latest(on: database)
    }

    public func purgeKnowledgeChanges(before cutoff: Date) async throws -> Int {
        try await KnowledgeChangeLog.purge(before: cutoff, on: database)
    }

    public func usage(tenant: TenantID) async throws -> KnowledgeUsage {
        let sql = try sqlDatabase
        let bytes = Self.byteLength(dialect: sql.dialect.name)
        let sources = try await sql.raw("""
            SELECT CAST(COUNT(*) AS BIGINT) AS sources, CAST(COALESCE(SUM(chunk_count), 0) AS BIGINT) AS chunks,
                   CAST(COALESCE(SUM(\(unsafeRaw: bytes("content"))), 0) AS BIGINT) AS bytes
            FROM sources WHERE tenant_id = \(bind: tenant.uuid)
            """).first()
        let pending = try await sql.raw("""
            SELECT CAST(COALESCE(SUM(\(unsafeRaw: bytes("payload"))), 0) AS BIGINT) AS bytes FROM source_inputs WHERE tenant_id = \(bind: tenant.uuid)
            """).first()
        return KnowledgeUsage(sources: Int(try sources?.decode(column: "sources", as: Int64.self) ?? 0),
                              chunks: Int(try sources?.decode(column: "chunks", as: Int64.self) ?? 0),
                              storedBytes: Int(try sources?.decode(column: "bytes", as: Int64.self) ?? 0)
                                  + Int(try pending?.decode(column: "bytes", as: Int64.self) ?? 0))
    }

    public func contentBytes(of source: SourceID, tenant: TenantID) async throws -> Int {
        let sql = try sqlDatabase
        let row = try await sql.raw("""
            SELECT CAST(COALESCE(\(unsafeRaw: Self.byteLength(dialect: sql.dialect.name)("content")), 0) AS BIGINT) AS bytes
            FROM sources WHERE tenant_id = \(bind: tenant.uuid) AND id = \(bind: source.uuid)
            """).first()
        return Int(try row?.decode(column: "bytes", as: Int64.self) ?? 0)
    }

    private var sqlDatabase: any SQLDatabase {
        get throws {
            guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("Knowledge usage needs an SQL database.") }
            return sql
        }
    }

    /// Byte length of a text or binary column (PostgreSQL's LENGTH counts characters of text).
    private static func byteLength(dialect: String) -> (String) -> String {
        dialect == "postgresql" ? { "OCTET_LENGTH(\($0))" } : { "LENGTH(CAST(\($0) AS BLOB))" }
    }
}
