import Fluent
import Foundation
import ParleyCore
import ParleyJobs
import ParleyStore
import ParleyServer
import ParleyTestSupport
import Testing

/// The job store's contract on SQLite and PostgreSQL: claims, leases, fairness, dedupe.
@Suite("Job store")
struct SQLJobStoreTests {
    let kind: JobKind = "test.store"

    func claimOne(_ store: SQLJobStore, worker: String = "w1", lease: Duration = .seconds(30), now: Date = Date()) async throws -> JobLease? {
        try await store.claim(JobClaim(slots: [kind: 1], worker: worker, leaseDuration: lease, now: now)).first
    }

    @Test(arguments: TestBackend.available)
    func oneTenantsBacklogDoesNotDelayAnothersJobByMoreThanOne(backend: TestBackend) async throws {
        try await withJobStore(backend) { store, a, b in
            for index in 0 ..< 50 {
                try await store.enqueue(NewJob(kind: kind, tenantID: a.id, payload: Data("{\"n\":\(index)}".utf8)))
            }
            // A's first job is already running when B queues its one job.
            let first = try #require(try await claimOne(store))
            #expect(first.job.tenantID == a.id)
            try await store.enqueue(NewJob(kind: kind, tenantID: b.id))
            let second = try #require(try await claimOne(store))
            #expect(second.job.tenantID == b.id, "B's job must come right after the job A had running")
            // A's jobs still come in their own order.
            let third = try #require(try await claimOne(store))
            #expect(String(decoding: third.job.payload, as: UTF8.self) == "{\"n\":1}")
        }
    }

    @Test(arguments: TestBackend.available)
    func claimsAreExclusiveLeasesExpireAndOnlyTheHolderSettles(backend: TestBackend) async throws {
        try await withJobStore(backend) { store, a, _ in
            try await store.enqueue(NewJob(kind: kind, tenantID: a.id))
            let now = Date()
            let held = try #require(try await claimOne(store, worker: "w1", lease: .seconds(2), now: now))
            #expect(held.job.state == .running && held.attempt == 1 && held.job.lockedBy == "w1")
            #expect(try await claimOne(store, worker: "w2", now: now) == nil, "a leased job is not claimed twice")
            // After the lease expires another worker takes it; the first worker's outcome is refused.
            let later = now.addingTimeInterval(3)
            let taken = try #require(try await claimOne(store, worker: "w2", now: later))
            #expect(taken.attempt == 2)
            #expect(try await store.complete(held, now: later) == false)
            #expect(try await store.renew(held, until: later.addingTimeInterval(10)) == nil)
            #expect(try await store.complete(taken, now: later))
            let done = try #require(try await store.job(taken.job.id))
            #expect(done.state == .succeeded && done.finishedAt != nil && done.lockedBy == nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func failuresRetryLaterThenDieReleaseDoesNotCountAnAttempt(backend: TestBackend) async throws {
        try await withJobStore(backend) { store, a, _ in
            try await store.enqueue(NewJob(kind: kind, tenantID: a.id, maxAttempts: 2))
            let now = Date()
            let first = try #require(try await claimOne(store, now: now))
            #expect(try await store.release(first))
            let again = try #require(try await claimOne(store, now: now))
            #expect(again.attempt == 1, "a released job keeps its attempt count")
            #expect(try await store.fail(again, error: "boom", retryAt: now.addingTimeInterval(60), now: now))
            #expect(try await claimOne(store, now: now.addingTimeInterval(30)) == nil, "not before its retry time")
            let retry = try #require(try await claimOne(store, now: now.addingTimeInterval(61)))
            #expect(retry.attempt == 2 && retry.job.lastError == "boom")
            #expect(try await store.fail(retry, error: "boom again", retryAt: nil, now: now.addingTimeInterval(61)))
            let dead = try #require(try await store.job(retry.job.id))
            #expect(dead.state == .dead && dead.lastError == "boom again" && dead.attempts == 2)
            #expect(try await store.counts()[.dead] == 1)
            #expect(try await store.purgeFinished(before: now.addingTimeInterval(62)) == 1)
            #expect(try await store.job(retry.job.id) == nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func dedupeKeysMakeOneJobAndKindsAndPrioritiesAreHonoured(backend: TestBackend) async throws {
        try await withJobStore(backend) { store, a, _ in
            #expect(try await store.enqueue(NewJob(kind: kind, dedupeKey: "tick@1")))
            #expect(try await store.enqueue(NewJob(kind: kind, dedupeKey: "tick@1")) == false)
            try await store.enqueue(NewJob(kind: "test.other", tenantID: a.id, priority: 5))
            try await store.enqueue(NewJob(kind: kind, tenantID: a.id, priority: 9))
            #expect(try await store.counts()[.queued] == 3)
            let leases = try await store.claim(JobClaim(slots: [kind: 1], worker: "w", leaseDuration: .seconds(30)))
            #expect(leases.count == 1 && leases[0].job.priority == 9, "higher priority first, only the kinds asked for")
            let capped = try await store.claim(JobClaim(slots: [kind: 5, "test.other": 1], worker: "w", leaseDuration: .seconds(30)))
            #expect(capped.count == 2 && Set(capped.map(\.job.kind)) == [kind, "test.other"])
            // A worker with one free slot and two open kinds takes one job, not one of each.
            try await store.enqueue(NewJob(kind: kind, tenantID: a.id))
            try await store.enqueue(NewJob(kind: "test.other", tenantID: a.id))
            let oneFree = try await store.claim(JobClaim(slots: [kind: 1, "test.other": 1], room: 1, worker: "w", leaseDuration: .seconds(30)))
            #expect(oneFree.count == 1, "\(oneFree.map(\.job.kind))")
            #expect(try await store.counts()[.queued] == 1)
            // Effects ledger: a key is recorded once.
            #expect(try await store.record("effect:1", job: JobID(), tenant: a.id))
            #expect(try await store.record("effect:1", job: JobID(), tenant: a.id) == false)
            #expect(try await store.contains("effect:1"))
        }
    }
}

/// An effect and its idempotency key commit together or not at all.
@Suite("Job effects in a transaction")
struct JobEffectsTransactionTests {
    struct Rollback: Error {}

    @Test(arguments: TestBackend.available)
    func aKeyRecordedInARolledBackTransactionIsNotKeptAndACommittedOneBlocksARepeat(backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend, adjust: { $0.app.seedDemo = false; $0.jobs.inProcessWorker = false }) { server in
            let database = server.app.db(.parley)
            let store = try SQLJobStore(database: database)
            let job = JobID()
            // The effect fails after the key was written: both roll back, so a retry may run it.
            do {
                try await database.transaction { transaction in
                    let recorded = try await JobEffects.record("effect:a", job: job, tenant: nil, on: transaction)
                    #expect(recorded)
                    throw Rollback()
                }
            } catch is Rollback {}
            #expect(try await store.contains("effect:a") == false)
            // Committed: a second run of the job finds the key inside its own transaction and skips.
            let first = try await database.transaction { transaction in
                try await JobEffects.record("effect:a", job: job, tenant: nil, on: transaction)
            }
            let repeated = try await database.transaction { transaction in
                try await JobEffects.record("effect:a", job: job, tenant: nil, on: transaction)
            }
            #expect(first && !repeated)
        }
    }
}
