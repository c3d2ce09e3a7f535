import ArgumentParser
import Fluent
import Foundation
import ParleyCore
import ParleyEmbeddings
import ParleyJobs
import ParleyServer
import ParleyStore
import SQLKit
import Vapor

/// `parley bench jobs`: the job queue's throughput (no-op probe jobs per second, drained by 1
/// and 2 workers) and its latency from enqueue to the handler's start with idle workers, on a
/// scratch SQLite database and, with `--postgres URL`, on PostgreSQL. Workers run in this
/// process; on PostgreSQL the latency is also measured with the worker in a second process
/// (`parley worker`), where only a `NOTIFY` can wake it.
struct JobsBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Job queue throughput (1 and 2 workers) and enqueue-to-start latency, on SQLite and PostgreSQL.")

    @OptionGroup var global: GlobalOptions

    @ArgumentParser.Option(help: "Probe jobs per throughput run.")
    var jobs = 2000

    @ArgumentParser.Option(help: "Jobs enqueued one at a time for the latency figures.")
    var samples = 200

    @ArgumentParser.Option(help: "Also measure on this PostgreSQL database (postgres://…); the bench deletes its jobs afterwards.")
    var postgres: String?

    func validate() throws {
        guard (1 ... 1_000_000).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 1000000") }
        guard (1 ... 100_000).contains(samples) else { throw ValidationError("--samples must be between 1 and 100000") }
        if let postgres, !(postgres.hasPrefix("postgres://") || postgres.hasPrefix("postgresql://")) {
            throw ValidationError("--postgres must be a postgres:// URL")
        }
    }

    func run() async throws {
        let loaded = try Runtime.loadConfiguration(global)
        var logs = loaded
        logs.secrets.databaseURL = postgres
        logs.config.logging.path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-bench-jobs.jsonl").path
        try Runtime.bootstrapLogging(logs, stdout: false, level: .warning)
        print("parley bench jobs: \(jobs) no-op jobs per run, \(samples) latency samples, worker concurrency 8, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        for url in [nil] + (postgres.map { [$0] } ?? []) {
            try await ScratchApplication.run(label: "bench-jobs", loaded: loaded, usesEmbeddings: false, postgresURL: url, bootstrapsLogging: false,
                                             adjust: { $0.app.seedDemo = false }) { app in
                let bench = JobsBench(app: app, jobs: jobs, samples: samples, postgresURL: url)
                do {
                    try await bench.measure()
                } catch {
                    try? await bench.cleanUp()
                    throw error
                }
                try await bench.cleanUp()
            }
        }
    }
}

/// One database's measurements.
struct JobsBench {
    let app: Application
    let jobs: Int
    let samples: Int
    let postgresURL: String?
    let runID = UUID().uuidString.prefix(8).lowercased()

    var store: SQLJobStore { get throws { try SQLJobStore(database: app.db(.parley)) } }
    var label: String { postgresURL == nil ? "SQLite" : "PostgreSQL" }

    func measure() async throws {
        for workers in [1, 2] {
            let (enqueueRate, drainRate) = try await throughput(workers: workers)
            print(String(format: "  %@  %d worker%@: enqueue %.0f jobs/s, drain %.0f jobs/s", label, workers, workers == 1 ? " " : "s",
                         enqueueRate, drainRate))
        }
        let inProcess = try await latency(separateProcess: false)
        print(String(format: "  %@  enqueue to start, idle worker in this process: p50 %.2f ms  p99 %.2f ms", label, inProcess.p50, inProcess.p99))
        if postgresURL != nil {
            let crossProcess = try await latency(separateProcess: true)
            print(String(format: "  %@  enqueue to start, idle `parley worker` process:  p50 %.2f ms  p99 %.2f ms", label, crossProcess.p50, crossProcess.p99))
        }
    }

    func worker(_ name: String, onStart: (@Sendable (String) -> Void)? = nil, wake: JobWakeSignal) throws -> JobWorker {
        var registry = JobRegistry()
        registry.register(ProbeJob(ledger: try store, onStart: onStart), concurrency: 8)
        return JobWorker(store: try store, registry: registry,
                         settings: JobWorkerSettings(name: name, concurrency: 8, pollInterval: .seconds(1)), wake: wake)
    }

    /// Enqueues `jobs` probes, then times `workers` workers draining them.
    func throughput(workers: Int) async throws -> (enqueue: Double, drain: Double) {
        let store = try store
        let prefix = "bench-\(runID)-\(workers)"
        let enqueueStarted = ContinuousClock.now
        for index in 0 ..< jobs { try await store.enqueue(NewJob(kind: ProbeJob.kind, payload: try JSONEncoder().encode(ProbeJob.Payload(key: "\(prefix)-\(index)")))) }
        let enqueueTime = enqueueStarted.duration(to: .now).seconds
        let wake = JobWakeSignal()
        let drainStarted = ContinuousClock.now
        let background = BackgroundWork(try (0 ..< workers).map { try worker("bench-\($0)", wake: wake) })
        while try await succeeded(prefix: prefix) < jobs { try await Task.sleep(for: .milliseconds(5)) }
        let drainTime = drainStarted.duration(to: .now).seconds
        await background.stop()
        return (Double(jobs) / enqueueTime, Double(jobs) / drainTime)
    }

    /// Enqueue-to-start times of jobs enqueued one at a time while the worker is idle.
    func latency(separateProcess: Bool) async throws -> (p50: Double, p99: Double) {
        let starts = StartTimes()
        let wake = JobWakeSignal()
        var child: Process?
        var background: BackgroundWork?
        if separateProcess, let postgresURL {
            child = try startWorkerProcess(postgresURL)
        } else {
            let inProcess = try worker("bench-latency", onStart: { key in starts.note(key) }, wake: wake)
            background = BackgroundWork([inProcess])
        }
        defer { child?.terminate() }
        let queue = JobQueue(store: try store, wake: wake)
        let prefix = "lat-\(runID)-\(separateProcess ? "p" : "i")"
        if separateProcess { try await waitForWorkerProcess(queue: queue, prefix: prefix) }
        var latencies: [Double] = []
        for index in 0 ..< samples {
            let key = "\(prefix)-\(index)"
            let enqueued = Date()
            try await queue.enqueue(ProbeJob.self, .init(key: key))
            let started = try await separateProcess ? effectTime(key: key) : starts.wait(for: key)
            latencies.append(started.timeIntervalSince(enqueued) * 1000)
            try await Task.sleep(for: .milliseconds(20))  // let the worker go idle again
        }
        await background?.stop()
        let sorted = latencies.sorted()
        return (Statistics.percentile(sorted, 0.5), Statistics.percentile(sorted, 0.99))
    }

    /// A `parley worker` on the same database (this binary, same configuration).
    func startWorkerProcess(_ url: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["worker", "--concurrency", "8"]
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = url
        environment["PARLEY_LOGGING_STDOUT"] = "false"
        environment["PARLEY_EMBEDDINGS_PROVIDER"] = "none"
        environment["PARLEY_APP_SEED_DEMO"] = "false"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits until the worker process runs jobs (one warm-up probe).
    func waitForWorkerProcess(queue: JobQueue, prefix: String) async throws {
        try await queue.enqueue(ProbeJob.self, .init(key: "\(prefix)-warmup"))
        _ = try await effectTime(key: "\(prefix)-warmup", timeout: .seconds(60))
    }

    /// When the probe's effect was recorded (a worker in another process ran it).
    func effectTime(key: String, timeout: Duration = .seconds(10)) async throws -> Date {
        let sql = try requireSQL(app)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let row = try await sql.raw("SELECT created_at FROM job_effects WHERE key = \(bind: "probe:" + key)").first() {
                return Date(timeIntervalSince1970: Double(try row.decode(column: "created_at", as: Int64.self)) / 1000)
            }
            try await Task.sleep(for: .microseconds(500))
        }
        throw ValidationError("the worker process did not run the job \(key) within \(timeout)")
    }

    func succeeded(prefix: String) async throws -> Int {
        let sql = try requireSQL(app)
        let row = try await sql.raw("SELECT COUNT(*) AS n FROM job_effects WHERE key LIKE \(bind: "probe:\(prefix)-%")").first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Deletes the bench's jobs and effects (they may be on a real PostgreSQL database).
    func cleanUp() async throws {
        let sql = try requireSQL(app)
        try await sql.raw("DELETE FROM jobs WHERE kind = \(bind: ProbeJob.kind.name)").run()
        try await sql.raw("DELETE FROM job_effects WHERE key LIKE 'probe:bench-%' OR key LIKE 'probe:lat-%'").run()
    }
}

/// The database as SQL (Parley's databases always are).
private func requireSQL(_ app: Application) throws -> any SQLDatabase {
    guard let sql = app.db(.parley) as? any SQLDatabase else { throw ValidationError("the database does not speak SQL") }
    return sql
}

/// When each probe started, for the in-process latency figure.
final class StartTimes: @unchecked Sendable {
    private var times: [String: Date] = [:]
    private let lock = NSLock()

    func note(_ key: String) {
        lock.withLock { times[key] = Date() }
    }

    func wait(for key: String) async throws -> Date {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let time = lock.withLock({ times[key] }) { return time }
            try await Task.sleep(for: .microseconds(200))
        }
        throw ValidationError("the probe \(key) did not start within 10 s")
    }
}
