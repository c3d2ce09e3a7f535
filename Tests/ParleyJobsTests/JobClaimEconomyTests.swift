import Foundation
import ParleyCore
import ParleyJobs
import ParleyStore
import ParleyTestSupport
import Synchronization
import Testing

/// A worker asks the store for jobs only when there may be some: once for each job that arrives
/// while it idles (not again at once after a claim that found fewer than it asked for, nor when
/// a job finishes with nothing else due), yet a burst of one capped kind still runs back to
/// back, each finished job waking the next claim.
@Suite("Job claims")
struct JobClaimEconomyTests {
    /// Long enough that no claim in these tests comes from polling: a wake-up the worker missed
    /// would stall it for ten minutes, far past the generous waits below (a full suite on two
    /// cores once starved a run of five short jobs past 20 s).
    static func settings(concurrency: Int = 4) -> JobWorkerSettings {
        JobWorkerSettings(name: "economy", concurrency: concurrency, leaseDuration: .seconds(60), pollInterval: .seconds(600),
                          retry: RetryPolicy(maxRetries: 0, baseDelay: .milliseconds(100), maxDelay: .seconds(5)),
                          drainTimeout: .milliseconds(500))
    }

    @Test(arguments: TestBackend.available)
    func eachJobThatArrivesWhileTheWorkerIdlesCostsOneClaim(backend: TestBackend) async throws {
        try await withJobStore(backend) { store, tenant, _ in
            let counted = ClaimCountingStore(store)
            let tally = Tally()
            var registry = JobRegistry()
            registry.register(CountingJob(ledger: store, tally: tally), concurrency: 4)
            let wake = JobWakeSignal()
            let queue = JobQueue(store: counted, wake: wake)
            let worker = JobWorker(store: counted, registry: registry, settings: Self.settings(), wake: wake)
            try await withWorkers([worker]) {
                #expect(try await eventually(timeout: .seconds(120)) { counted.claims == 1 }, "the worker's first look at the queue")
                for index in 0..<3 {
                    let id = try #require(try await queue.enqueue(CountingJob.self, .init(key: "\(index)"), tenant: tenant.id))
                    #expect(try await store.waitUntilFinished(id, timeout: .seconds(120))?.state == .succeeded)
                    try await Task.sleep(for: .milliseconds(200))
                }
                #expect(counted.claims == 4, "one claim at start and one per job, not \(counted.claims)")
            }
            #expect(await tally.total == 3)
        }
    }

    @Test(arguments: TestBackend.available)
    func aBurstOfACappedKindRunsBackToBackWithoutWaitingForThePoll(backend: TestBackend) async throws {
        try await withJobStore(backend) { store, tenant, _ in
            let tally = Tally()
            var registry = JobRegistry()
            registry.register(CountingJob(ledger: store, tally: tally), concurrency: 1)
            let wake = JobWakeSignal()
            let queue = JobQueue(store: store, wake: wake)
            for index in 0..<5 {
                _ = try await queue.enqueue(CountingJob.self, .init(key: "\(index)", holdMs: 20), tenant: tenant.id)
            }
            let worker = JobWorker(store: store, registry: registry, settings: Self.settings(), wake: wake)
            // With a 10-minute poll, a job that waited for it would not finish within the 2 minutes here.
            try await withWorkers([worker]) {
                let finished = try await eventually(timeout: .seconds(120)) { try await store.counts()[.succeeded] == 5 }
                #expect(finished, "every job ran, one after another")
            }
            #expect(await tally.total == 5)
        }
    }

    @Test(arguments: TestBackend.available)
    func aWorkerWithOneFreeSlotTakesOneJobEvenWithTwoKindsDue(backend: TestBackend) async throws {
        try await withJobStore(backend) { store, tenant, _ in
            let counted = ClaimCountingStore(store)
            var registry = JobRegistry()
            registry.register(CountingJob(ledger: store, tally: Tally()), concurrency: 1)
            registry.register(ProbeJob(ledger: store), concurrency: 1)
            let wake = JobWakeSignal()
            let queue = JobQueue(store: counted, wake: wake)
            _ = try await queue.enqueue(CountingJob.self, .init(key: "one", holdMs: 50), tenant: tenant.id)
            _ = try await queue.enqueue(ProbeJob.self, .init(key: "two", holdMs: 50), tenant: tenant.id)
            let worker = JobWorker(store: counted, registry: registry, settings: Self.settings(concurrency: 1), wake: wake)
            try await withWorkers([worker]) {
                let finished = try await eventually(timeout: .seconds(120)) { try await store.counts()[.succeeded] == 2 }
                #expect(finished, "both ran, one after the other")
            }
            #expect(counted.mostTaken == 1, "a claim took \(counted.mostTaken) jobs with room for one")
        }
    }
}

/// The store the worker uses, counting its claims.
final class ClaimCountingStore: JobStore {
    private let store: any JobStore
    private let count = Atomic<Int>(0)
    private let most = Atomic<Int>(0)

    init(_ store: any JobStore) { self.store = store }

    var claims: Int { count.load(ordering: .relaxed) }
    /// The most jobs one claim took.
    var mostTaken: Int { most.load(ordering: .relaxed) }

    func claim(_ claim: JobClaim) async throws -> [JobLease] {
        count.add(1, ordering: .relaxed)
        let leases = try await store.claim(claim)
        most.max(leases.count, ordering: .relaxed)
        return leases
    }

    func enqueue(_ job: NewJob) async throws -> Bool { try await store.enqueue(job) }
    func complete(_ lease: JobLease, now: Date) async throws -> Bool { try await store.complete(lease, now: now) }
    func fail(_ lease: JobLease, error: String, retryAt: Date?, now: Date) async throws -> Bool {
        try await store.fail(lease, error: error, retryAt: retryAt, now: now)
    }
    func release(_ lease: JobLease) async throws -> Bool { try await store.release(lease) }
    func renew(_ lease: JobLease, until: Date) async throws -> JobLease? { try await store.renew(lease, until: until) }
    func job(_ id: JobID) async throws -> JobRecord? { try await store.job(id) }
    func counts() async throws -> [JobState: Int] { try await store.counts() }
    func unfinished(kind: JobKind, tenant: TenantID) async throws -> Int { try await store.unfinished(kind: kind, tenant: tenant) }
    func purgeFinished(before cutoff: Date) async throws -> Int { try await store.purgeFinished(before: cutoff) }
}
