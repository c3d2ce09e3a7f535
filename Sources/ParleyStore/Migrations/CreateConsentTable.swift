import FluentKit
import SQLKit

/// `consents` (seed 004).
struct CreateConsentTable: AsyncMigration {
    var name: String { "005_create_consent_table" }

    func prepare(on database: any Database) async throws {
        try await database.schema(ConsentModel.schema)
            .id()
            .field("tenant_id", .uuid, .required, .references(TenantModel.schema, .id, onDelete: .cascade))
            .field("session_id", .string, .required)
            .field("accepted", .bool, .required)
            .field("ip_address", .string)
            .field("user_agent", .string)
            .field("terms_version", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await Indexes.create("consents_tenant_visitor", on: ConsentModel.schema, ["tenant_id", "session_id"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ConsentModel.schema).delete()
    }
}
