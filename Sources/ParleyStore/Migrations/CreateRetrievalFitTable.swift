import FluentKit
import SQLKit

/// `retrieval_fits`: each tenant's dense weight fitted to its own content, one row per tenant.
/// Times are Unix milliseconds; `fit` is the whole `DenseWeightFit` as JSON (its curve included).
struct CreateRetrievalFitTable: AsyncMigration {
    var name: String { "020_create_retrieval_fit_table" }

    func prepare(on database: any Database) async throws {
        try await database.schema(SQLDenseWeightFits.table)
            .field("tenant_id", .uuid, .identifier(auto: false), .references(TenantModel.schema, .id, onDelete: .cascade))
            .field("dense_weight", .double, .required)
            .field("outcome", .string, .required)
            .field("fit", .string, .required)
            .field("knowledge_change", .int64, .required)
            .field("fitted_at", .int64, .required)
            .create()
        try await Indexes.create("retrieval_fits_fitted_idx", on: SQLDenseWeightFits.table, ["fitted_at"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SQLDenseWeightFits.table).delete()
    }
}
