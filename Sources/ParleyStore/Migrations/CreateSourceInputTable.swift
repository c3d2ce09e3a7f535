import FluentKit
import SQLKit

/// `source_inputs`: submitted sources waiting for their ingestion job.
struct CreateSourceInputTable: AsyncMigration {
    var name: String { "007_create_source_input_table" }

    func prepare(on database: any Database) async throws {
        try await database.schema(PendingSourceInputModel.schema)
            .field("source_id", .uuid, .identifier(auto: false), .references(SourceModel.schema, .id, onDelete: .cascade))
            .field("tenant_id", .uuid, .required, .references(TenantModel.schema, .id, onDelete: .cascade))
            .field("kind", .string, .required)
            .field("title", .string)
            .field("locator", .string)
            .field("agent_code", .string)
            .field("payload_kind", .string, .required)
            .field("payload", .data, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PendingSourceInputModel.schema).delete()
    }
}
