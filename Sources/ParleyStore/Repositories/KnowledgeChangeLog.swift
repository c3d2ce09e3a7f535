import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// `knowledge_changes`: one row per source whose chunks changed, written in the same
/// transaction as the change, so every process can bring its in-memory indexes up to date
/// (`IndexFollower`). Rows are small and deleted by housekeeping after a day.
enum KnowledgeChangeLog {
    static let table = "knowledge_changes"

    static func record(source: SourceID, tenant: TenantID, on database: any Database) async throws {
        try await sql(database).raw("""
            INSERT INTO knowledge_changes (tenant_id, source_id, created_at)
            VALUES (\(bind: tenant.uuid), \(bind: source.uuid), \(bind: Millis.of(Date())))
            """).run()
    }

    static func changes(after id: Int64, limit: Int, on database: any Database) async throws -> [KnowledgeChange] {
        try await sql(database).raw("""
            SELECT id, tenant_id, source_id, created_at FROM knowledge_changes WHERE id > \(bind: id) ORDER BY id LIMIT \(literal: limit)
            """).all().map { row in
            KnowledgeChange(id: try row.decode(column: "id", as: Int64.self),
                            tenantID: TenantID(try row.decode(column: "tenant_id", as: UUID.self)),
                            sourceID: SourceID(try row.decode(column: "source_id", as: UUID.self)),
                            createdAt: Millis.date(try row.decode(column: "created_at", as: Int64.self)))
        }
    }

    static func latest(on database: any Database) async throws -> Int64 {
        try await sql(database).raw("SELECT MAX(id) AS latest FROM knowledge_changes").first()?
            .decode(column: "latest", as: Int64?.self) ?? 0
    }

    static func purge(before cutoff: Date, on database: any Database) async throws -> Int {
        try await sql(database).raw("DELETE FROM knowledge_changes WHERE created_at < \(bind: Millis.of(cutoff)) RETURNING id").all().count
    }

    private static func sql(_ database: any Database) throws -> any SQLDatabase {
        guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("The knowledge change log needs an SQL database.") }
        return sql
    }
}
