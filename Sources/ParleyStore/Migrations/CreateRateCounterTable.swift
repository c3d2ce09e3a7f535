import FluentKit
import SQLKit

/// `rate_counters`: chat turn counts per tenant, counter and window, shared by every process on
/// the database. Times are Unix seconds; expired windows are purged by housekeeping.
struct CreateRateCounterTable: AsyncMigration {
    var name: String { "009_create_rate_counter_table" }

    func prepare(on database: any Database) async throws {
        try await database.schema(SQLRateCounters.table)
            .field("tenant_id", .uuid, .required, .references(TenantModel.schema, .id, onDelete: .cascade))
            .field("counter_key", .string, .required)
            .field("window_start", .int64, .required)
            .field("hits", .int, .required)
            .field("expires_at", .int64, .required)
            .unique(on: "tenant_id", "counter_key", "window_start")
            .create()
        try await Indexes.create("rate_counters_expiry_idx", on: SQLRateCounters.table, ["expires_at"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SQLRateCounters.table).delete()
    }
}
