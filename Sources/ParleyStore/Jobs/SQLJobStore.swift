import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// `JobStore` and `JobEffectLedger` in SQL, for SQLite and PostgreSQL.
///
/// A claim is one statement: on PostgreSQL the candidate rows are locked with
/// `FOR UPDATE SKIP LOCKED`, so concurrent workers in any number of processes take disjoint
/// jobs without waiting on each other; SQLite runs one write statement at a time, which makes
/// the same statement atomic there. Finishing an attempt is conditional on the lease (worker
/// and attempt number), so only the attempt that holds the job can settle it.
///
/// Fair queueing between tenants: each job gets a virtual start time, `fair_key`, when it is
/// enqueued: one after its tenant's last queued or running job, but never before the earliest
/// queued or running job of anyone (the queue's current virtual time). Claims take the lowest key first (within a priority), so a tenant that
/// queues 1,000 jobs has them interleaved with the next tenant's, never ahead of them all.
public struct SQLJobStore: JobStore, JobEffectLedger {
    static let table = "jobs"
    static let effectsTable = "job_effects"
    static let columns = "id, kind, tenant_id, payload, state, run_at, priority, attempts, max_attempts, last_error, locked_by, locked_until, dedupe_key, created_at, finished_at"

    private let sql: any SQLDatabase
    private let isPostgres: Bool

    public init(database: any Database) throws {
        guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("The job queue needs an SQL database.") }
        self.sql = sql
        isPostgres = sql.dialect.name == "postgresql"
    }

    // MARK: - Enqueue

    @discardableResult
    public func enqueue(_ job: NewJob) async throws -> Bool {
        let group = job.tenantID?.description ?? "platform:\(job.kind.name)"
        let greatest = isPostgres ? "GREATEST" : "MAX"
        // Each bound is the larger (or smaller) of two one-state reads, not one read over both
        // states: with one state, an index ordered by fair_key after it answers at its end
        // (`jobs_fair_group_idx`, `jobs_state_fair_idx`); over both, the database read every
        // queued job, so an enqueue took longer the longer the backlog (3.5 ms at 10,000).
        let insert: SQLQueryString = """
            INSERT INTO jobs (id, kind, tenant_id, fair_group, fair_key, payload, state, run_at, priority, attempts, max_attempts, dedupe_key, created_at)
            VALUES (\(bind: job.id.uuid), \(bind: job.kind.name), \(bind: job.tenantID?.uuid), \(bind: group),
                    \(unsafeRaw: greatest)(
                        COALESCE((SELECT MAX(latest) + 1 FROM (
                            SELECT MAX(fair_key) AS latest FROM jobs WHERE fair_group = \(bind: group) AND state = 'queued'
                            UNION ALL SELECT MAX(fair_key) FROM jobs WHERE fair_group = \(bind: group) AND state = 'running') AS latest_keys), 0),
                        COALESCE((SELECT MIN(earliest) FROM (
                            SELECT MIN(fair_key) AS earliest FROM jobs WHERE state = 'queued'
                            UNION ALL SELECT MIN(fair_key) FROM jobs WHERE state = 'running') AS earliest_keys), 0)),
                    \(bind: String(decoding: job.payload, as: UTF8.self)), 'queued', \(bind: Millis.of(job.runAt)), \(bind: job.priority),
                    0, \(bind: job.maxAttempts), \(bind: job.dedupeKey), \(bind: Millis.of(Date())))
            ON CONFLICT DO NOTHING
            RETURNING id
            """
        // On PostgreSQL the wake-up rides in the same statement, once per row written (none for a
        // duplicate): one round trip, and sent at the enqueue's commit as before.
        let rows = try await sql.raw(isPostgres
            ? "WITH queued AS (\(insert)) SELECT id, pg_notify(\(bind: Self.channel), \(bind: Self.notice(of: job))) FROM queued"
            : insert).all()
        return !rows.isEmpty
    }

    /// The PostgreSQL notification channel on which enqueues wake idle workers.
    public static let channel = "parley_jobs"

    /// A job's notification: its kind, then the wake signal its process already signalled, if any.
    static func notice(of job: NewJob) -> String {
        job.wakeOrigin.map { "\(job.kind.name) \($0)" } ?? job.kind.name
    }

    /// Whether a notification is of a job whose enqueuing already signalled the wake signal
    /// `origin` (its worker was woken then; waking it again would only make it claim nothing).
    public static func isNotice(_ payload: String, signalling origin: String) -> Bool {
        guard let space = payload.lastIndex(of: " ") else { return false }
        return payload[payload.index(after: space)...] == origin
    }

    // MARK: - Claim and settle

    public func claim(_ claim: JobClaim) async throws -> [JobLease] {
        let kinds = claim.slots.filter { $0.value > 0 }
        let limit = claim.limit
        guard !kinds.isEmpty, limit > 0 else { return [] }
        let now = Millis.of(claim.now)
        let until = Millis.of(claim.now.addingTimeInterval(claim.leaseDuration.seconds))
        let names: [any Encodable & Sendable] = kinds.keys.map(\.name)
        let lock = isPostgres ? "FOR UPDATE SKIP LOCKED" : ""
        // On SQLite idle workers only read: a claim that finds nothing takes no write lock, so it
        // never waits behind (or holds up) a chat turn's transaction. PostgreSQL's UPDATE locks
        // only the rows it takes (and skips locked ones), so there the probe would be a statement
        // more for every job.
        if !isPostgres {
            let due = try await sql.raw("""
                SELECT id FROM jobs
                WHERE kind IN (\(binds: names))
                  AND ((state = 'queued' AND run_at <= \(bind: now)) OR (state = 'running' AND locked_until < \(bind: now)))
                LIMIT 1
                """).first()
            guard due != nil else { return [] }
        }
        let rows = try await sql.raw("""
            UPDATE jobs SET state = 'running', locked_by = \(bind: claim.worker), locked_until = \(bind: until), attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM jobs
                WHERE kind IN (\(binds: names))
                  AND ((state = 'queued' AND run_at <= \(bind: now)) OR (state = 'running' AND locked_until < \(bind: now)))
                ORDER BY priority DESC, fair_key, run_at, id
                LIMIT \(literal: limit)
                \(unsafeRaw: lock))
            RETURNING \(unsafeRaw: Self.columns)
            """).all()
        let leases = try rows.map { JobLease(job: try Self.record($0), worker: claim.worker, lockedUntil: Millis.date(until)) }
        // One statement cannot cap each kind separately; hand back what exceeds a kind's slots (rare).
        var taken: [JobKind: Int] = [:]
        var kept: [JobLease] = []
        for lease in leases {
            taken[lease.job.kind, default: 0] += 1
            if taken[lease.job.kind, default: 0] <= kinds[lease.job.kind, default: 0] { kept.append(lease) } else { _ = try await release(lease) }
        }
        return kept
    }

    @discardableResult
    public func complete(_ lease: JobLease, now: Date) async throws -> Bool {
        try await settle(lease, "state = 'succeeded', finished_at = \(bind: Millis.of(now)), locked_by = NULL, locked_until = NULL, last_error = NULL")
    }

    @discardableResult
    public func fail(_ lease: JobLease, error: String, retryAt: Date?, now: Date) async throws -> Bool {
        let rows: [any SQLRow]
        if let retryAt {
            rows = try await sql.raw("""
                UPDATE jobs SET state = 'queued', run_at = \(bind: Millis.of(retryAt)), last_error = \(bind: error), locked_by = NULL, locked_until = NULL
                WHERE id = \(bind: lease.job.id.uuid) AND state = 'running' AND locked_by = \(bind: lease.worker) AND attempts = \(bind: lease.attempt)
                RETURNING id
                """).all()
        } else {
            rows = try await sql.raw("""
                UPDATE jobs SET state = 'dead', finished_at = \(bind: Millis.of(now)), last_error = \(bind: error), locked_by = NULL, locked_until = NULL
                WHERE id = \(bind: lease.job.id.uuid) AND state = 'running' AND locked_by = \(bind: lease.worker) AND attempts = \(bind: lease.attempt)
                RETURNING id
                """).all()
        }
        return !rows.isEmpty
    }

    @discardableResult
    public func release(_ lease: JobLease) async throws -> Bool {
        try await settle(lease, "state = 'queued', attempts = attempts - 1, locked_by = NULL, locked_until = NULL")
    }

    public func renew(_ lease: JobLease, until: Date) async throws -> JobLease? {
        let rows = try await sql.raw("""
            UPDATE jobs SET locked_until = \(bind: Millis.of(until))
            WHERE id = \(bind: lease.job.id.uuid) AND state = 'running' AND locked_by = \(bind: lease.worker) AND attempts = \(bind: lease.attempt)
            RETURNING id
            """).all()
        guard !rows.isEmpty else { return nil }
        var renewed = lease
        renewed.lockedUntil = until
        return renewed
    }

    /// Applies `assignments` when the lease still holds. Values are bound, so that the
    /// statement's text stays the same (PostgreSQL prepares each text once per connection).
    private func settle(_ lease: JobLease, _ assignments: SQLQueryString) async throws -> Bool {
        let rows = try await sql.raw("""
            UPDATE jobs SET \(assignments)
            WHERE id = \(bind: lease.job.id.uuid) AND state = 'running' AND locked_by = \(bind: lease.worker) AND attempts = \(bind: lease.attempt)
            RETURNING id
            """).all()
        return !rows.isEmpty
    }

    // MARK: - Reading and housekeeping

    public func job(_ id: JobID) async throws -> JobRecord? {
        try await sql.raw("SELECT \(unsafeRaw: Self.columns) FROM jobs WHERE id = \(bind: id.uuid)").first().map(Self.record)
    }

    public func counts() async throws -> [JobState: Int] {
        var counts: [JobState: Int] = [:]
        for row in try await sql.raw("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state").all() {
            if let state = JobState(rawValue: try row.decode(column: "state", as: String.self)) {
                counts[state] = try row.decode(column: "n", as: Int.self)
            }
        }
        return counts
    }

    public func unfinished(kind: JobKind, tenant: TenantID) async throws -> Int {
        try await sql.raw("""
            SELECT COUNT(*) AS n FROM jobs
            WHERE kind = \(bind: kind.name) AND tenant_id = \(bind: tenant.uuid) AND state IN ('queued', 'running')
            """).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    public func purgeFinished(before cutoff: Date) async throws -> Int {
        try await sql.raw("""
            DELETE FROM jobs WHERE state IN ('succeeded', 'dead') AND finished_at < \(bind: Millis.of(cutoff)) RETURNING id
            """).all().count
    }

    // MARK: - Effects ledger

    public func record(_ key: String, job: JobID, tenant: TenantID?) async throws -> Bool {
        try await JobEffects.record(key, job: job, tenant: tenant, on: sql)
    }

    public func contains(_ key: String) async throws -> Bool {
        try await sql.raw("SELECT key FROM job_effects WHERE key = \(bind: key)").first() != nil
    }

    // MARK: - Rows

    static func record(_ row: any SQLRow) throws -> JobRecord {
        JobRecord(id: JobID(try row.decode(column: "id", as: UUID.self)),
                  kind: JobKind(try row.decode(column: "kind", as: String.self)),
                  tenantID: try row.decode(column: "tenant_id", as: UUID?.self).map(TenantID.init),
                  payload: Data(try row.decode(column: "payload", as: String.self).utf8),
                  state: JobState(rawValue: try row.decode(column: "state", as: String.self)) ?? .dead,
                  runAt: Millis.date(try row.decode(column: "run_at", as: Int64.self)),
                  priority: try row.decode(column: "priority", as: Int.self),
                  attempts: try row.decode(column: "attempts", as: Int.self),
                  maxAttempts: try row.decode(column: "max_attempts", as: Int.self),
                  lastError: try row.decode(column: "last_error", as: String?.self),
                  lockedBy: try row.decode(column: "locked_by", as: String?.self),
                  lockedUntil: try row.decode(column: "locked_until", as: Int64?.self).map(Millis.date),
                  dedupeKey: try row.decode(column: "dedupe_key", as: String?.self),
                  createdAt: Millis.date(try row.decode(column: "created_at", as: Int64.self)),
                  finishedAt: try row.decode(column: "finished_at", as: Int64?.self).map(Millis.date))
    }
}

/// Dates as integer milliseconds since 1970 (the job tables' time columns).
enum Millis {
    static func of(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
}
