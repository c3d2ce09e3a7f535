import Foundation
import ParleyCore

/// Adds typed jobs to the durable queue and wakes this process's idle workers at once (other
/// processes hear of it through the store's notifications or their next poll).
public struct JobQueue: Sendable {
    public let store: any JobStore
    public let wake: JobWakeSignal
    public let defaultMaxAttempts: Int

    public init(store: any JobStore, wake: JobWakeSignal = JobWakeSignal(), defaultMaxAttempts: Int = 5) {
        self.store = store
        self.wake = wake
        self.defaultMaxAttempts = defaultMaxAttempts
    }

    /// Enqueues a job for `H`; returns its id (or nil when `dedupeKey` named an existing job).
    @discardableResult
    public func enqueue<H: JobHandler>(_ handler: H.Type, _ payload: H.Payload, tenant: TenantID? = nil, runAt: Date = Date(),
                                       priority: Int = 0, maxAttempts: Int? = nil, dedupeKey: String? = nil) async throws -> JobID? {
        var job = NewJob(kind: H.kind, tenantID: tenant, payload: try JSONEncoder().encode(payload), runAt: runAt,
                         priority: priority, maxAttempts: maxAttempts ?? defaultMaxAttempts, dedupeKey: dedupeKey)
        let due = runAt <= Date()
        if due { job.wakeOrigin = wake.origin }
        guard try await store.enqueue(job) else { return nil }
        if due { wake.signal() }
        return job.id
    }
}
