import FluentKit
import SQLKit

/// `sources` and `chunks` (seed 004's sources and embeddings).
struct CreateKnowledgeTables: AsyncMigration {
    var name: String { "004_create_knowledge_tables" }

    func prepare(on database: any Database) async throws {
        let tenant = DatabaseSchema.FieldConstraint.references(TenantModel.schema, .id, onDelete: .cascade)
        try await database.schema(SourceModel.schema)
            .id()
            .field("tenant_id", .uuid, .required, tenant)
            .field("agent_code", .string)
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("locator", .string)
            .field("url", .string)
            .field("status", .string, .required)
            .field("failure_reason", .string)
            .field("content_hash", .string)
            .field("content", .string)
            .field("chunk_count", .int, .required)
            .field("created_at", .datetime, .required)
            .field("last_indexed_at", .datetime)
            .create()
        try await Indexes.create("sources_tenant_locator", on: SourceModel.schema, ["tenant_id", "locator"], in: database)
        try await database.schema(ChunkModel.schema)
            .id()
            .field("tenant_id", .uuid, .required, tenant)
            .field("source_id", .uuid, .required, .references(SourceModel.schema, .id, onDelete: .cascade))
            .field("agent_code", .string)
            .field("position", .int, .required)
            .field("text", .string, .required)
            .field("title", .string, .required)
            .field("url", .string)
            .field("heading_path", .array(of: .string), .required)
            .field("embedding", .data)
            .field("embedding_model", .string)
            .field("embedding_dimension", .int)
            .field("created_at", .datetime, .required)
            .create()
        try await Indexes.create("chunks_tenant_source", on: ChunkModel.schema, ["tenant_id", "source_id"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ChunkModel.schema).delete()
        try await database.schema(SourceModel.schema).delete()
    }
}
