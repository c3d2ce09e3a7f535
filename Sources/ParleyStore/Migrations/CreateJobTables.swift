import FluentKit
import SQLKit

/// `jobs` (the durable queue) and `job_effects` (the idempotency ledger of job effects).
/// Times are integer milliseconds since 1970, so claims compare plain integers the same way on
/// SQLite and PostgreSQL.
struct CreateJobTables: AsyncMigration {
    var name: String { "006_create_job_tables" }

    func prepare(on database: any Database) async throws {
        try await database.schema(SQLJobStore.table)
            .field("id", .uuid, .identifier(auto: false))
            .field("kind", .string, .required)
            .field("tenant_id", .uuid, .references(TenantModel.schema, .id, onDelete: .cascade))
            .field("fair_group", .string, .required)
            .field("fair_key", .int64, .required)
            .field("payload", .string, .required)
            .field("state", .string, .required)
            .field("run_at", .int64, .required)
            .field("priority", .int, .required)
            .field("attempts", .int, .required)
            .field("max_attempts", .int, .required)
            .field("last_error", .string)
            .field("locked_by", .string)
            .field("locked_until", .int64)
            .field("dedupe_key", .string)
            .field("created_at", .int64, .required)
            .field("finished_at", .int64)
            .unique(on: "dedupe_key")
            .create()
        try await Indexes.create("jobs_claim_idx", on: SQLJobStore.table, ["state", "priority", "fair_key", "run_at"], in: database)
        try await Indexes.create("jobs_fair_group_idx", on: SQLJobStore.table, ["fair_group", "state", "fair_key"], in: database)
        try await Indexes.create("jobs_tenant_idx", on: SQLJobStore.table, ["tenant_id", "state"], in: database)
        try await database.schema(SQLJobStore.effectsTable)
            .field("key", .string, .identifier(auto: false))
            .field("job_id", .uuid, .required)
            .field("tenant_id", .uuid, .references(TenantModel.schema, .id, onDelete: .cascade))
            .field("created_at", .int64, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SQLJobStore.effectsTable).delete()
        try await database.schema(SQLJobStore.table).delete()
    }
}
