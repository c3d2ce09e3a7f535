import Fluent
import Foundation
import Logging
import ParleyChat
import ParleyCore
import ParleyJobs
import ParleyServer
import ParleyStore
import ParleyTestSupport
import ServiceLifecycle

/// A migrated database (SQLite or PostgreSQL) with two tenants and the job store on it.
func withJobStore(_ backend: TestBackend, _ body: (SQLJobStore, Tenant, Tenant) async throws -> Void) async throws {
    try await ParleyTestServer.with(backend, adjust: { $0.app.seedDemo = false; $0.jobs.inProcessWorker = false }) { server in
        let provisioner = server.services.provisioner(server.stores)
        let a = try await provisioner.createTenant(name: "Tenant A", slug: "tenant-a").tenant
        let b = try await provisioner.createTenant(name: "Tenant B", slug: "tenant-b").tenant
        try await body(try SQLJobStore(database: server.app.db(.parley)), a, b)
    }
}

/// Runs workers as services of one group for `body`, then shuts them down gracefully.
func withWorkers(_ workers: [JobWorker], _ body: () async throws -> Void) async throws {
    let group = ServiceGroup(services: workers, logger: Logger(label: "parley.test.jobs"))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            try await body()
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

/// Counts what handlers did, for assertions.
actor Tally {
    private(set) var runs: [String: Int] = [:]
    private(set) var times: [String: [ContinuousClock.Instant]] = [:]

    func note(_ key: String) {
        runs[key, default: 0] += 1
        times[key, default: []].append(.now)
    }

    var total: Int { runs.values.reduce(0, +) }
}

/// A job that records one effect through the ledger and counts its runs.
struct CountingJob: JobHandler {
    struct Payload: Codable, Sendable { var key: String; var holdMs: Int = 0; var failTimes: Int = 0 }
    static let kind: JobKind = "test.counting"
    let ledger: any JobEffectLedger
    let tally: Tally

    func run(_ payload: Payload, context: JobContext) async throws {
        await tally.note(payload.key)
        if payload.holdMs > 0 { try await Task.sleep(for: .milliseconds(payload.holdMs)) }
        if context.attempt <= payload.failTimes { throw PermanentJobFailureLike() }
        _ = try await ledger.record("counting:\(payload.key)", job: context.id, tenant: context.tenantID)
    }
}

/// An ordinary (retryable) error.
struct PermanentJobFailureLike: Error, SafeErrorDescription {
    var safeDescription: String { "the test handler failed on purpose" }
}

func fastSettings(_ name: String, concurrency: Int = 4, lease: Duration = .seconds(5)) -> JobWorkerSettings {
    JobWorkerSettings(name: name, concurrency: concurrency, leaseDuration: lease, pollInterval: .milliseconds(50),
                      retry: RetryPolicy(maxRetries: 0, baseDelay: .milliseconds(100), maxDelay: .seconds(5)),
                      drainTimeout: .milliseconds(500))
}
