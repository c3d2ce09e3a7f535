import FluentKit
import SQLKit

/// `retrieval_reports`: each tenant's latest self-evaluation (the admin panel's retrieval quality
/// page), one row per tenant; `report` is the `RetrievalQualityReport` as JSON.
struct CreateRetrievalReportTable: AsyncMigration {
    var name: String { "021_create_retrieval_report_table" }

    func prepare(on database: any Database) async throws {
        try await database.schema(SQLRetrievalQualityReports.table)
            .field("tenant_id", .uuid, .identifier(auto: false), .references(TenantModel.schema, .id, onDelete: .cascade))
            .field("report", .string, .required)
            .field("measured_at", .int64, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SQLRetrievalQualityReports.table).delete()
    }
}
