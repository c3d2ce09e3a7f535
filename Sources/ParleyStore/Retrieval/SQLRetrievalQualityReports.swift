import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// Each tenant's latest self-evaluation in `retrieval_reports`.
public struct SQLRetrievalQualityReports: RetrievalQualityReportStore {
    static let table = "retrieval_reports"

    private let sql: any SQLDatabase

    public init(database: any Database) throws {
        guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("Retrieval reports need an SQL database.") }
        self.sql = sql
    }

    public func saveReport(_ stored: StoredRetrievalQualityReport) async throws {
        let json = String(decoding: try JSONEncoder().encode(stored.report), as: UTF8.self)
        try await sql.raw("""
            INSERT INTO retrieval_reports (tenant_id, report, measured_at)
            VALUES (\(bind: stored.tenantID.uuid), \(bind: json), \(bind: Millis.of(stored.measuredAt)))
            ON CONFLICT (tenant_id) DO UPDATE SET report = excluded.report, measured_at = excluded.measured_at
            """).run()
    }

    public func report(tenant: TenantID) async throws -> StoredRetrievalQualityReport? {
        guard let row = try await sql.raw("""
            SELECT report, measured_at FROM retrieval_reports WHERE tenant_id = \(bind: tenant.uuid)
            """).first() else { return nil }
        let json = try row.decode(column: "report", as: String.self)
        return StoredRetrievalQualityReport(tenantID: tenant, report: try JSONDecoder().decode(RetrievalQualityReport.self, from: Data(json.utf8)),
                                            measuredAt: Millis.date(try row.decode(column: "measured_at", as: Int64.self)))
    }
}
