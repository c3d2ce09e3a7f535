import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// Each tenant's fitted dense weight in `retrieval_fits`, read by every process on the database.
public struct SQLDenseWeightFits: DenseWeightFitStore {
    static let table = "retrieval_fits"

    private let sql: any SQLDatabase

    public init(database: any Database) throws {
        guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("Retrieval fits need an SQL database.") }
        self.sql = sql
    }

    public func saveFit(_ stored: StoredDenseWeightFit) async throws {
        let json = String(decoding: try JSONEncoder().encode(stored.fit), as: UTF8.self)
        try await sql.raw("""
            INSERT INTO retrieval_fits (tenant_id, dense_weight, outcome, fit, knowledge_change, fitted_at)
            VALUES (\(bind: stored.tenantID.uuid), \(bind: stored.fit.denseWeight), \(bind: stored.fit.outcome.rawValue), \(bind: json),
                    \(bind: stored.knowledgeChange), \(bind: Millis.of(stored.fittedAt)))
            ON CONFLICT (tenant_id) DO UPDATE SET dense_weight = excluded.dense_weight, outcome = excluded.outcome, fit = excluded.fit,
                knowledge_change = excluded.knowledge_change, fitted_at = excluded.fitted_at
            """).run()
    }

    public func fit(tenant: TenantID) async throws -> StoredDenseWeightFit? {
        try await sql.raw("""
            SELECT tenant_id, fit, knowledge_change, fitted_at FROM retrieval_fits WHERE tenant_id = \(bind: tenant.uuid)
            """).first().map(Self.decode)
    }

    public func fits(since: Date, limit: Int) async throws -> [StoredDenseWeightFit] {
        try await sql.raw("""
            SELECT tenant_id, fit, knowledge_change, fitted_at FROM retrieval_fits
            WHERE fitted_at >= \(bind: Millis.of(since)) ORDER BY fitted_at, tenant_id LIMIT \(literal: max(limit, 0))
            """).all().map(Self.decode)
    }

    public func tenantsToRefit(limit: Int) async throws -> [(tenant: TenantID, knowledgeChange: Int64)] {
        try await sql.raw("""
            SELECT c.tenant_id AS tenant_id, MAX(c.id) AS latest FROM knowledge_changes c
            LEFT JOIN retrieval_fits f ON f.tenant_id = c.tenant_id
            GROUP BY c.tenant_id, f.knowledge_change
            HAVING f.knowledge_change IS NULL OR MAX(c.id) > f.knowledge_change
            ORDER BY MAX(c.id) LIMIT \(literal: max(limit, 0))
            """).all().map { row in
            (tenant: TenantID(try row.decode(column: "tenant_id", as: UUID.self)), knowledgeChange: try row.decode(column: "latest", as: Int64.self))
        }
    }

    public func tenantsDueForVisitors(now: Date, refitAge: TimeInterval, limit: Int) async throws -> [(tenant: TenantID, knowledgeChange: Int64)] {
        let since = now.addingTimeInterval(-refitAge)
        // Sessions and chunks are probed by their tenant indexes; knowledge changes (a day's, which
        // `tenantsToRefit` also reads whole) only for tenants without a fit. A tenant without a fit
        // but with recent changes is `tenantsToRefit`'s, so it is not queued twice.
        return try await sql.raw("""
            SELECT f.tenant_id AS tenant_id, f.knowledge_change AS latest FROM retrieval_fits f
            WHERE f.fitted_at < \(bind: Millis.of(since))
              AND EXISTS (SELECT 1 FROM sessions s WHERE s.tenant_id = f.tenant_id AND s.last_activity_at > \(bind: since))
            UNION ALL
            SELECT t.id AS tenant_id, 0 AS latest FROM tenants t
            WHERE NOT EXISTS (SELECT 1 FROM retrieval_fits f WHERE f.tenant_id = t.id)
              AND NOT EXISTS (SELECT 1 FROM knowledge_changes k WHERE k.tenant_id = t.id)
              AND EXISTS (SELECT 1 FROM chunks c WHERE c.tenant_id = t.id)
            LIMIT \(literal: max(limit, 0))
            """).all().map { row in
            (tenant: TenantID(try row.decode(column: "tenant_id", as: UUID.self)), knowledgeChange: try row.decode(column: "latest", as: Int64.self))
        }
    }

    private static func decode(_ row: any SQLRow) throws -> StoredDenseWeightFit {
        let json = try row.decode(column: "fit", as: String.self)
        return StoredDenseWeightFit(tenantID: TenantID(try row.decode(column: "tenant_id", as: UUID.self)),
                                    fit: try JSONDecoder().decode(DenseWeightFit.self, from: Data(json.utf8)),
                                    knowledgeChange: try row.decode(column: "knowledge_change", as: Int64.self),
                                    fittedAt: Millis.date(try row.decode(column: "fitted_at", as: Int64.self)))
    }
}
