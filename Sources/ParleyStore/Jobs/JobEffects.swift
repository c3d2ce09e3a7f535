import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// The effects ledger's one write, for stores whose job effects are rows of their own: called
/// with the transaction that writes the effect, it makes the effect and its idempotency key
/// commit together, so a job that runs twice (its worker died before `complete`) finds the key
/// and skips the effect:
///
/// ```swift
/// try await database.transaction { transaction in
///     guard try await JobEffects.record("email:\(summaryID)", job: job, tenant: tenant, on: transaction) else { return }
///     try await EmailModel(…).create(on: transaction)
/// }
/// ```
public enum JobEffects {
    /// Records `key`; false when it was recorded before (then the caller must not repeat the effect).
    public static func record(_ key: String, job: JobID, tenant: TenantID?, on database: any Database) async throws -> Bool {
        guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("The effects ledger needs an SQL database.") }
        return try await record(key, job: job, tenant: tenant, on: sql)
    }

    static func record(_ key: String, job: JobID, tenant: TenantID?, on sql: any SQLDatabase) async throws -> Bool {
        try await !sql.raw("""
            INSERT INTO job_effects (key, job_id, tenant_id, created_at)
            VALUES (\(bind: key), \(bind: job.uuid), \(bind: tenant?.uuid), \(bind: Millis.of(Date())))
            ON CONFLICT DO NOTHING RETURNING key
            """).all().isEmpty
    }
}
