import Fluent
import Foundation
import ParleyChat
import ParleyCore
import ParleyJobs
import ParleyServer
import ParleyStore
import ParleyTestSupport
import SQLKit
import Testing

/// Each enqueued job's virtual start time (`fair_key`) is one after its group's latest queued or
/// running job, and never before the earliest queued or running job of any group; checked
/// against that rule, computed from the table, after every enqueue of a random mix of
/// enqueues, claims, completions and failures across three tenants and the platform.
@Suite("Job fair keys")
struct FairKeyTests {
    let kind: JobKind = "test.fair"

    /// The same random sequence on every run.
    struct Steps: RandomNumberGenerator {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
    }

    @Test(arguments: TestBackend.available)
    func everyEnqueueFollowsItsGroupAndTheQueuesVirtualTime(backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend, adjust: { $0.app.seedDemo = false; $0.jobs.inProcessWorker = false }) { server in
            let provisioner = server.services.provisioner(server.stores)
            var tenants: [TenantID?] = [nil]
            for slug in ["fair-a", "fair-b", "fair-c"] { tenants.append(try await provisioner.createTenant(name: slug, slug: slug).tenant.id) }
            let sql = try #require(server.app.db(.parley) as? any SQLDatabase)
            let store = try SQLJobStore(database: server.app.db(.parley))
            var steps = Steps()
            var running: [JobLease] = []
            var enqueued = 0
            for _ in 0 ..< 240 {
                switch Int.random(in: 0 ..< 10, using: &steps) {
                case 0 ..< 6:
                    let tenant = tenants.randomElement(using: &steps)!
                    let group = tenant?.description ?? "platform:\(kind.name)"
                    let rows = try await sql.raw("SELECT fair_group, state, fair_key FROM jobs WHERE state IN ('queued', 'running')").all()
                    let open = try rows.map { (try $0.decode(column: "fair_group", as: String.self), try $0.decode(column: "fair_key", as: Int64.self)) }
                    let afterGroup = open.filter { $0.0 == group }.map(\.1).max().map { $0 + 1 } ?? 0
                    let expected = max(afterGroup, open.map(\.1).min() ?? 0)
                    let job = NewJob(kind: kind, tenantID: tenant)
                    #expect(try await store.enqueue(job))
                    let key = try #require(try await sql.raw("SELECT fair_key FROM jobs WHERE id = \(bind: job.id.uuid)").first())
                    #expect(try key.decode(column: "fair_key", as: Int64.self) == expected)
                    enqueued += 1
                case 6 ..< 8:
                    running += try await store.claim(JobClaim(slots: [kind: 2], worker: "w", leaseDuration: .seconds(300), now: Date()))
                case 8:
                    if !running.isEmpty { #expect(try await store.complete(running.removeFirst(), now: Date())) }
                default:
                    if !running.isEmpty {
                        #expect(try await store.fail(running.removeLast(), error: "again", retryAt: Date(), now: Date()))
                    }
                }
            }
            #expect(enqueued > 100)
        }
    }
}
