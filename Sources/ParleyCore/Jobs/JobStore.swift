import Foundation

/// A lease on one job: the worker that holds it may run the job until `lockedUntil`, and only
/// the holder of this exact lease (worker and attempt) can finish the job. A worker whose lease
/// expired and was taken over finds its `complete`/`fail` refused, so a slow or paused worker
/// can never overwrite the outcome of the attempt that replaced it.
public struct JobLease: Sendable, Equatable {
    public var job: JobRecord
    public var worker: String
    public var lockedUntil: Date

    public init(job: JobRecord, worker: String, lockedUntil: Date) {
        self.job = job
        self.worker = worker
        self.lockedUntil = lockedUntil
    }

    public var attempt: Int { job.attempts }
}

/// Which jobs a claim may take.
public struct JobClaim: Sendable {
    /// Kinds the worker can run, each with how many more it may start now.
    public var slots: [JobKind: Int]
    /// How many jobs it may take in all: the worker's free room. Each kind's slots are already
    /// at most that, but their sum is not when several kinds are open.
    public var room: Int
    public var worker: String
    public var leaseDuration: Duration
    public var now: Date

    /// `room` nil: the sum of the slots.
    public init(slots: [JobKind: Int], room: Int? = nil, worker: String, leaseDuration: Duration, now: Date = Date()) {
        self.slots = slots
        self.room = room ?? slots.values.reduce(0) { $0 + max($1, 0) }
        self.worker = worker
        self.leaseDuration = leaseDuration
        self.now = now
    }

    /// How many jobs the claim asks for: the open slots of every kind, at most `room`.
    public var limit: Int { min(slots.values.reduce(0) { $0 + max($1, 0) }, max(room, 0)) }
}

/// Durable job storage shared by every Parley process (the database is the queue).
///
/// Claims are atomic across processes: `FOR UPDATE SKIP LOCKED` on PostgreSQL, one write
/// statement on SQLite. Order: higher priority first, then fair between tenants (each job gets
/// a virtual start time after its tenant's previous job, so one tenant's 1,000 jobs do not
/// delay another tenant's one), then by `runAt`. A job whose lease expired is claimable again.
public protocol JobStore: Sendable {
    /// Adds a job; returns false when a job with the same `dedupeKey` already exists.
    @discardableResult
    func enqueue(_ job: NewJob) async throws -> Bool
    /// Leases due jobs of the given kinds (at most the slots of each kind).
    func claim(_ claim: JobClaim) async throws -> [JobLease]
    /// Marks the leased attempt succeeded; false when the lease was lost.
    @discardableResult
    func complete(_ lease: JobLease, now: Date) async throws -> Bool
    /// Records a failed attempt: queued again at `retryAt`, or dead when `retryAt` is nil.
    @discardableResult
    func fail(_ lease: JobLease, error: String, retryAt: Date?, now: Date) async throws -> Bool
    /// Gives the job back unrun (shutdown): queued again at once, the attempt not counted.
    @discardableResult
    func release(_ lease: JobLease) async throws -> Bool
    /// Extends a lease the worker still holds; nil when it was lost.
    func renew(_ lease: JobLease, until: Date) async throws -> JobLease?
    func job(_ id: JobID) async throws -> JobRecord?
    /// Number of jobs per state (for `/health`, the admin and benchmarks).
    func counts() async throws -> [JobState: Int]
    /// How many jobs of `kind` for the tenant are queued or running (a page's "in progress").
    func unfinished(kind: JobKind, tenant: TenantID) async throws -> Int
    /// Deletes finished jobs that finished before `cutoff`; returns how many.
    func purgeFinished(before cutoff: Date) async throws -> Int
}

extension JobStore {
    /// Waits until the job has finished (or `timeout` passed); returns its last record.
    public func waitUntilFinished(_ id: JobID, timeout: Duration, poll: Duration = .milliseconds(50)) async throws -> JobRecord? {
        let deadline = ContinuousClock.now + timeout
        var record = try await job(id)
        while let current = record, !current.isFinished, ContinuousClock.now < deadline {
            try await Task.sleep(for: poll)
            record = try await job(id)
        }
        return record
    }
}
