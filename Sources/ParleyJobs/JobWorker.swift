import Foundation
import Logging
import ParleyCore
import ServiceLifecycle
import Metrics

/// Claims due jobs from the shared store and runs them with their handlers, as a
/// swift-service-lifecycle `Service`: it runs until cancelled or until a graceful shutdown,
/// which stops new claims, lets running jobs finish for `drainTimeout`, then cancels the rest
/// and gives their leases back so another worker takes them at once.
///
/// Each attempt's outcome is written only by the holder of its lease. A handler that throws is
/// retried after an exponential, jittered delay until `maxAttempts`; then (or at once, for a
/// `PermanentJobFailure`) the job is dead with its last error.
public struct JobWorker: Service {
    public let store: any JobStore
    public let registry: JobRegistry
    public let recurring: [RecurringJob]
    public let settings: JobWorkerSettings
    public let wake: JobWakeSignal
    private let logger: Logger

    public init(store: any JobStore, registry: JobRegistry, recurring: [RecurringJob] = [], settings: JobWorkerSettings = .init(),
                wake: JobWakeSignal = JobWakeSignal(), logger: Logger = Logger(label: "parley.jobs")) {
        self.store = store
        self.registry = registry
        self.recurring = recurring.filter { registry.kinds.contains($0.kind) }
        self.settings = settings
        self.wake = wake
        var logger = logger
        logger[metadataKey: "worker"] = "\(settings.name)"
        self.logger = logger
    }

    public func run() async throws {
        let stopping = StopFlag()
        let running = RunningJobs()
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await renewLeases(running) }
                if !recurring.isEmpty { group.addTask { await offerRecurringJobs(stopping) } }
                await claimLoop(group: &group, running: running, stopping: stopping)
                await drain(running)
                group.cancelAll()
            }
        } onGracefulShutdown: {
            stopping.set()
            wake.signal()
        }
    }

    // MARK: - Claiming

    private func claimLoop(group: inout ThrowingDiscardingTaskGroup<any Error>, running: RunningJobs, stopping: StopFlag) async {
        let caps = registry.entries.mapValues(\.concurrency)
        var failures = 0
        while !stopping.isSet, !Task.isCancelled {
            let claim = await running.nextClaim(caps: caps, total: settings.concurrency,
                                                worker: settings.name, leaseDuration: settings.leaseDuration)
            guard claim.limit > 0 else {
                await running.noteClaim(claim, caps: caps, took: [])
                await wake.wait(timeout: settings.pollInterval)
                continue
            }
            let leases: [JobLease]
            do {
                leases = try await store.claim(claim)
                failures = 0
            } catch {
                failures += 1
                logger.warning("job claim failed", metadata: ["event": "job_claim_failed", "error": "\(JobErrorText.describe(error))"])
                try? await Task.sleep(for: min(settings.pollInterval * failures, .seconds(30)))
                continue
            }
            let roomHeldBack = await running.noteClaim(claim, caps: caps, took: leases)
            for lease in leases {
                await running.add(lease)
                group.addTask {
                    await execute(lease, running: running, stopping: stopping)
                    if await running.remove(lease) { wake.signal() }
                }
            }
            // A claim that took fewer jobs than it asked for found no more due: the next claim
            // waits for a signal (a job enqueued here or, on PostgreSQL, by another process) or
            // the poll, instead of asking again at once. Each job used to cost three claims: the
            // one that took it, an empty one right after, and one more when it finished.
            if !roomHeldBack { await wake.wait(timeout: settings.pollInterval) }
        }
    }

    /// Waits for running jobs to finish, at most `drainTimeout`.
    private func drain(_ running: RunningJobs) async {
        let deadline = ContinuousClock.now + settings.drainTimeout
        while await running.count > 0, ContinuousClock.now < deadline {
            await wake.wait(timeout: .milliseconds(25))
        }
    }

    // MARK: - Running one job

    private func execute(_ lease: JobLease, running: RunningJobs, stopping: StopFlag) async {
        let job = lease.job
        var jobLogger = logger
        jobLogger[metadataKey: "job_id"] = "\(job.id)"
        jobLogger[metadataKey: "job_kind"] = "\(job.kind)"
        if let tenant = job.tenantID { jobLogger[metadataKey: "tenant_id"] = "\(tenant)" }
        guard job.attempts <= job.maxAttempts else {
            // Claimed again after its lease expired on every attempt: the job kills its workers.
            await settle(lease, logger: jobLogger) { try await store.fail(lease, error: "the worker running it stopped \(job.maxAttempts) times (lease expired)", retryAt: nil, now: Date()) }
            return
        }
        guard let entry = registry.entry(job.kind) else {
            await settle(lease, logger: jobLogger) { try await store.release(lease) }
            return
        }
        let context = JobContext(id: job.id, kind: job.kind, tenantID: job.tenantID, attempt: job.attempts,
                                 maxAttempts: job.maxAttempts, logger: jobLogger)
        let started = ContinuousClock.now
        do {
            try await entry.run(job.payload, context)
            let finished = await settle(lease, logger: jobLogger) { try await store.complete(lease, now: Date()) }
            Counter(label: "parley_jobs_total", dimensions: [("kind", job.kind.name), ("outcome", "succeeded")]).increment()
            jobLogger.debug("job succeeded", metadata: ["event": "job_succeeded", "ms": "\(started.duration(to: .now).milliseconds)",
                                                        "recorded": "\(finished)"])
        } catch where Task.isCancelled {
            // Cancelled with the worker (shutdown): give the job back. A handler that throws
            // CancellationError on its own otherwise counts as a failed attempt.
            await settle(lease, logger: jobLogger) { try await store.release(lease) }
            jobLogger.info("job given back at shutdown", metadata: ["event": "job_released"])
        } catch {
            let text = JobErrorText.describe(error)
            let permanent = error is PermanentJobFailure
            let retryAt = permanent || job.attempts >= job.maxAttempts
                ? nil : Date().addingTimeInterval(settings.retry.delay(beforeRetry: job.attempts, retryAfter: (error as? RetryJobLater)?.after).seconds)
            await settle(lease, logger: jobLogger) { try await store.fail(lease, error: text, retryAt: retryAt, now: Date()) }
            Counter(label: "parley_jobs_total", dimensions: [("kind", job.kind.name), ("outcome", retryAt == nil ? "dead" : "retry")]).increment()
            if let retryAt {
                jobLogger.info("job failed; will retry", metadata: ["event": "job_retry", "attempt": "\(job.attempts)", "error": "\(text)",
                                                                    "retry_in_ms": "\(Int(retryAt.timeIntervalSinceNow * 1000))"])
            } else {
                jobLogger.warning("job dead", metadata: ["event": "job_dead", "attempt": "\(job.attempts)", "error": "\(text)"])
            }
        }
    }

    /// Writes an attempt's outcome outside the job's (possibly cancelled) task, so a shutdown
    /// cannot stop the write halfway; false when the lease had been lost.
    @discardableResult
    private func settle(_ lease: JobLease, logger: Logger, _ write: @escaping @Sendable () async throws -> Bool) async -> Bool {
        do {
            let recorded = try await Task { try await write() }.value
            if !recorded {
                logger.warning("job outcome not recorded: the lease was lost", metadata: ["event": "job_lease_lost"])
            }
            return recorded
        } catch {
            logger.error("job outcome could not be stored", metadata: ["event": "job_store_failed", "error": "\(JobErrorText.describe(error))"])
            return false
        }
    }

    // MARK: - Background loops

    /// Renews the leases of running jobs every third of the lease duration.
    private func renewLeases(_ running: RunningJobs) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: settings.leaseDuration / 3)
            for lease in await running.all {
                let until = Date().addingTimeInterval(settings.leaseDuration.seconds)
                do {
                    if let renewed = try await store.renew(lease, until: until) {
                        await running.update(renewed)
                    } else {
                        logger.warning("job lease lost while running", metadata: ["event": "job_lease_lost", "job_id": "\(lease.job.id)"])
                    }
                } catch {
                    logger.warning("job lease renewal failed", metadata: ["event": "job_renew_failed", "error": "\(JobErrorText.describe(error))"])
                }
            }
        }
    }

    /// Offers each recurring job for its current period (one insert per period and process).
    private func offerRecurringJobs(_ stopping: StopFlag) async {
        var offered: [JobKind: Int64] = [:]
        while !stopping.isSet, !Task.isCancelled {
            let now = Date()
            for job in recurring where offered[job.kind] != job.periodIndex(at: now) {
                do {
                    var new = job.job(at: now)
                    new.wakeOrigin = wake.origin
                    if try await store.enqueue(new) { wake.signal() }
                    offered[job.kind] = job.periodIndex(at: now)
                } catch {
                    logger.warning("recurring job could not be offered", metadata: ["event": "job_recurring_failed", "job_kind": "\(job.kind)"])
                }
            }
            try? await Task.sleep(for: min(settings.pollInterval, .seconds(1)))
        }
    }
}

/// Set once, read from any task.
final class StopFlag: @unchecked Sendable {
    private var value = false
    private let lock = NSLock()

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }
}
