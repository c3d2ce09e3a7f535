import Foundation
import Logging
import ParleyCore

/// What a handler knows about the attempt it runs.
public struct JobContext: Sendable {
    public let id: JobID
    public let kind: JobKind
    public let tenantID: TenantID?
    /// 1 for the first attempt.
    public let attempt: Int
    public let maxAttempts: Int
    /// Carries `job_id`, `job_kind` and `tenant_id`.
    public let logger: Logger
}

/// Runs one kind of job. Handlers may run more than once for one job (a worker that dies loses
/// its lease, and the job runs again elsewhere), so their effects are idempotent: derived from
/// the payload (replace, not append) or guarded by a `JobEffectLedger` key.
public protocol JobHandler: Sendable {
    associatedtype Payload: Codable & Sendable
    static var kind: JobKind { get }
    func run(_ payload: Payload, context: JobContext) async throws
}

/// A failure that retrying cannot fix (bad payload, deleted input): the job goes dead at once.
public struct PermanentJobFailure: Error, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// A failure worth retrying no sooner than `after` (a provider's `Retry-After`); the worker
/// waits at least that long, within its retry policy's ceiling.
public struct RetryJobLater: SafeErrorDescription, CustomStringConvertible {
    public let reason: String
    public let after: Duration?
    public init(_ reason: String, after: Duration? = nil) {
        self.reason = reason
        self.after = after
    }
    public var description: String { reason }
    public var safeDescription: String { reason }
}
