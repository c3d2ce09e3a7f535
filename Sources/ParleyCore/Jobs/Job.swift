import Foundation

public enum JobTag {}

/// A durable job's id.
public typealias JobID = Identifier<JobTag>

/// What a job does, as a dotted name (`ingest.source`, `maintenance.housekeeping`).
/// Workers run only the kinds they have a handler for; a job of an unknown kind waits.
public struct JobKind: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let name: String

    public init(_ name: String) { self.name = name }
    public init(stringLiteral value: String) { self.name = value }
    public init(from decoder: any Decoder) throws { name = try decoder.singleValueContainer().decode(String.self) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }

    public var description: String { name }
}

/// Where a job is in its life.
public enum JobState: String, Sendable, Codable, CaseIterable {
    /// Waiting for its `runAt` and a free worker (also after a failed attempt, until the retry).
    case queued
    /// Leased by a worker until `lockedUntil`; a worker that dies loses the lease and the job
    /// becomes claimable again.
    case running
    case succeeded
    /// Failed `maxAttempts` times, or failed permanently; `lastError` says why.
    case dead
}

/// A job to add to the queue.
public struct NewJob: Sendable {
    public var id: JobID
    public var kind: JobKind
    /// The tenant the work is for (nil for platform work such as housekeeping). Jobs of one
    /// tenant are interleaved with other tenants' (fair queueing), never run in one block.
    public var tenantID: TenantID?
    /// The handler's input, JSON-encoded.
    public var payload: Data
    public var runAt: Date
    /// Higher runs first; fairness between tenants applies within one priority.
    public var priority: Int
    public var maxAttempts: Int
    /// At most one job ever exists with a given key: enqueueing it again is a no-op. Recurring
    /// jobs use `kind@period` so that several processes create one job per period.
    public var dedupeKey: String?
    /// The wake signal (``JobWakeSignal/origin``) that the enqueuing process signals itself for
    /// this job. The store's notification names it, so that this process's listener does not
    /// wake the worker a second time for its own job (nil: every listener wakes).
    public var wakeOrigin: String?

    public init(id: JobID = JobID(), kind: JobKind, tenantID: TenantID? = nil, payload: Data = Data("{}".utf8),
                runAt: Date = Date(), priority: Int = 0, maxAttempts: Int = 5, dedupeKey: String? = nil) {
        self.id = id
        self.kind = kind
        self.tenantID = tenantID
        self.payload = payload
        self.runAt = runAt
        self.priority = priority
        self.maxAttempts = max(1, maxAttempts)
        self.dedupeKey = dedupeKey
    }
}

/// A stored job, as the queue and the admin see it.
public struct JobRecord: Sendable, Equatable {
    public var id: JobID
    public var kind: JobKind
    public var tenantID: TenantID?
    public var payload: Data
    public var state: JobState
    public var runAt: Date
    public var priority: Int
    /// Attempts started so far (a claim counts one).
    public var attempts: Int
    public var maxAttempts: Int
    public var lastError: String?
    public var lockedBy: String?
    public var lockedUntil: Date?
    public var dedupeKey: String?
    public var createdAt: Date
    public var finishedAt: Date?

    public init(id: JobID, kind: JobKind, tenantID: TenantID?, payload: Data, state: JobState, runAt: Date, priority: Int,
                attempts: Int, maxAttempts: Int, lastError: String?, lockedBy: String?, lockedUntil: Date?, dedupeKey: String?,
                createdAt: Date, finishedAt: Date?) {
        self.id = id
        self.kind = kind
        self.tenantID = tenantID
        self.payload = payload
        self.state = state
        self.runAt = runAt
        self.priority = priority
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.lastError = lastError
        self.lockedBy = lockedBy
        self.lockedUntil = lockedUntil
        self.dedupeKey = dedupeKey
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }

    /// Whether the job will not run again.
    public var isFinished: Bool { state == .succeeded || state == .dead }
}
