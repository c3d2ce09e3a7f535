import Foundation
import ParleyCore
import ParleyJobs
import ParleyStore
import ParleyTestSupport
import Testing

/// The worker against a real store: exactly-once effects, retries with back-off, dead jobs,
/// lease expiry after a worker died, recurring jobs across workers, shutdown that gives back.
@Suite("Job worker")
struct JobWorkerTests {
    func registry(_ store: SQLJobStore, _ tally: Tally, concurrency: Int = 4) -> JobRegistry {
        var registry = JobRegistry()
        registry.register(CountingJob(ledger: store, tally: tally), concurrency: concurrency)
        return registry
    }

    @Test(arguments: TestBackend.available)
    func twoWorkersDrainEveryJobWithEachEffectOnce(backend: TestBackend) async throws {
        try await withJobStore(backend) { store, a, b in
            let tally = Tally()
            let count = backend == .postgres ? 600 : 300
            let queue = JobQueue(store: store)
            for index in 0 ..< count {
                try await queue.enqueue(CountingJob.self, .init(key: "\(index)"), tenant: index.isMultiple(of: 2) ? a.id : b.id)
            }
            let workers = ["w1", "w2"].map { JobWorker(store: store, registry: registry(store, tally), settings: fastSettings($0)) }
            try await withWorkers(workers) {
                let reached = try await eventually { try await store.counts()[.succeeded] == count }
                #expect(reached)
            }
            #expect(await tally.total == count, "no job ran twice")
            #expect(await tally.runs.count == count, "no job was lost")
            for index in [0, count / 2, count - 1] { #expect(try await store.contains("counting:\(index)")) }
            #expect(try await store.counts()[.queued, default: 0] == 0)
        }
    }

    @Test(arguments: TestBackend.available)
    func failingJobRetriesWithGrowingDelaysThenIsDead(backend: TestBackend) async throws {
        try await withJobStore(backend) { store, a, _ in
            let tally = Tally()
            let id = try #require(try await JobQueue(store: store).enqueue(CountingJob.self, .init(key: "bad", failTimes: 99),
                                                                           tenant: a.id, maxAttempts: 3))
            try await withWorkers([JobWorker(store: store, registry: registry(store, tally), settings: fastSettings("w1"))]) {
                let reached = try await eventually { try await store.job(id)?.state == .dead }
                #expect(reached)
            }
            let dead = try #require(try await store.job(id))
            #expect(dead.attempts == 3)
            #expect(dead.lastError == "the test handler failed on purpose")
            let times = try #require(await tally.times["bad"])
            try #require(times.count == 3)
            // Base 100 ms with jitter in [0.5, 1]: the first retry waits at least 50 ms, the second at least 100 ms.
            #expect(times[0].duration(to: times[1]) >= .milliseconds(50))
            #expect(times[1].duration(to: times[2]) >= .milliseconds(100))
            #expect(try await store.contains("counting:bad") == false)
        }
    }

    @Test(arguments: TestBackend.available)
    func jobOfAWorkerThatDiedRunsAgainAfterItsLeaseAndItsEffectHappensOnce(backend: TestBackend) async throws {
        try await withJobStore(backend) { store, a, _ in
            let tally = Tally()
            let id = try #require(try await JobQueue(store: store).enqueue(CountingJob.self, .init(key: "once"), tenant: a.id))
            // Before the claim, which starts the lease: a slow claim or record (a busy machine) cannot make the lease look short.
            let started = ContinuousClock.now
            // A worker claimed the job, recorded the effect, then died before completing it.
            let lost = try #require(try await store.claim(JobClaim(slots: [CountingJob.kind: 1], worker: "dead",
                                                                   leaseDuration: .milliseconds(400))).first)
            #expect(try await store.record("counting:once", job: id, tenant: a.id))
            try await withWorkers([JobWorker(store: store, registry: registry(store, tally), settings: fastSettings("w2"))]) {
                let reached = try await eventually { try await store.job(id)?.state == .succeeded }
                #expect(reached)
            }
            #expect(started.duration(to: .now) >= .milliseconds(300), "not before the lease expired")
            let done = try #require(try await store.job(id))
            #expect(done.attempts == 2)
            #expect(try await store.complete(lost, now: Date()) == false, "the dead worker's lease is void")
            #expect(try await store.record("counting:once", job: id, tenant: a.id) == false, "the effect was recorded once")
        }
    }

    @Test(arguments: TestBackend.available)
    func recurringJobRunsOncePerPeriodWithTwoWorkers(backend: TestBackend) async throws {
        try await withJobStore(backend) { store, _, _ in
            let tally = Tally()
            let tick = RecurringJob(kind: CountingJob.kind, every: .seconds(1),
                                    payload: try JSONEncoder().encode(CountingJob.Payload(key: "tick")))
            let workers = ["w1", "w2"].map {
                JobWorker(store: store, registry: registry(store, tally), recurring: [tick], settings: fastSettings($0))
            }
            let first = tick.periodIndex(at: Date())
            try await withWorkers(workers) {
                try await Task.sleep(for: .milliseconds(3300))
            }
            let last = tick.periodIndex(at: Date())
            let runs = await tally.runs["tick", default: 0]
            // Never two runs in one period (the last period's job may have been offered but not yet
            // run); and the workers offered it at all, though a machine busy with the rest of the
            // suite may let several periods pass unoffered.
            let periods = Int(last - first)
            #expect(runs >= 1 && runs <= periods + 1, "runs \(runs) over periods \(first)...\(last)")
            // Every run succeeded, except a run the shutdown found still going and gave back
            // queued (a loaded machine can stretch a run past the drain time). A job given back
            // by the worker that stopped first may be claimed and run again by the other before
            // it stops too (at least once), so each worker adds at most one run beyond the jobs
            // that succeeded or wait queued; no job is left running, failed or dead.
            let counts = try await store.counts()
            let succeeded = counts[.succeeded, default: 0], queued = counts[.queued, default: 0]
            #expect(succeeded <= runs && runs <= succeeded + queued + workers.count, "\(counts), runs \(runs)")
            #expect(Set(counts.keys).isSubset(of: [.succeeded, .queued]), "\(counts)")
        }
    }

    @Test(arguments: TestBackend.available)
    func gracefulShutdownGivesARunningJobBackUncounted(backend: TestBackend) async throws {
        try await withJobStore(backend) { store, a, _ in
            let tally = Tally()
            let id = try #require(try await JobQueue(store: store).enqueue(CountingJob.self, .init(key: "slow", holdMs: 30_000), tenant: a.id))
            try await withWorkers([JobWorker(store: store, registry: registry(store, tally), settings: fastSettings("w1"))]) {
                let reached = try await eventually { await tally.runs["slow"] == 1 }
                #expect(reached)
            }
            let given = try #require(try await store.job(id))
            #expect(given.state == .queued && given.attempts == 0 && given.lockedBy == nil)
        }
    }
}
