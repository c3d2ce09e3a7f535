import FluentKit
import SQLKit

/// `knowledge_changes`: the sequence of chunk changes other processes' indexes follow.
struct CreateKnowledgeChangeTable: AsyncMigration {
    var name: String { "008_create_knowledge_change_table" }

    func prepare(on database: any Database) async throws {
        try await database.schema(KnowledgeChangeLog.table)
            .field("id", .int64, .identifier(auto: true))
            .field("tenant_id", .uuid, .required, .references(TenantModel.schema, .id, onDelete: .cascade))
            .field("source_id", .uuid, .required)
            .field("created_at", .int64, .required)
            .create()
        try await Indexes.create("knowledge_changes_created_idx", on: KnowledgeChangeLog.table, ["created_at"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(KnowledgeChangeLog.table).delete()
    }
}
