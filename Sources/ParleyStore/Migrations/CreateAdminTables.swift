import FluentKit
import SQLKit

/// `admin_users` and `admin_memberships` (issue 16's accounts).
struct CreateAdminTables: AsyncMigration {
    var name: String { "010_create_admin_tables" }

    func prepare(on database: any Database) async throws {
        try await database.schema(AdminUserModel.schema)
            .id()
            .field("email", .string, .required)
            .field("display_name", .string, .required)
            .field("is_platform_admin", .bool, .required)
            .field("is_active", .bool, .required)
            .field("password_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("password_changed_at", .datetime, .required)
            .field("failed_logins", .int, .required)
            .field("locked_until", .datetime)
            .unique(on: "email")
            .create()
        try await database.schema(AdminMembershipModel.schema)
            .id()
            .field("user_id", .uuid, .required, .references(AdminUserModel.schema, .id, onDelete: .cascade))
            .field("tenant_id", .uuid, .required, .references(TenantModel.schema, .id, onDelete: .cascade))
            .field("role", .string, .required)
            .unique(on: "user_id", "tenant_id")
            .create()
        try await Indexes.create("admin_memberships_tenant_idx", on: AdminMembershipModel.schema, ["tenant_id"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AdminMembershipModel.schema).delete()
        try await database.schema(AdminUserModel.schema).delete()
    }
}
