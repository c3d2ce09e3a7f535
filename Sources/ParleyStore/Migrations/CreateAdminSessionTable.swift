import FluentKit
import SQLKit

/// `admin_sessions`: the rows behind admin session tokens, so a session can end before its token expires.
struct CreateAdminSessionTable: AsyncMigration {
    var name: String { "011_create_admin_session_table" }

    func prepare(on database: any Database) async throws {
        try await database.schema(AdminSessionModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(AdminUserModel.schema, .id, onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .create()
        try await Indexes.create("admin_sessions_user_idx", on: AdminSessionModel.schema, ["user_id"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AdminSessionModel.schema).delete()
    }
}
