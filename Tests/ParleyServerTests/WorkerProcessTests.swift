import AsyncHTTPClient
import Fluent
import Foundation
import NIOCore
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyJobs
import ParleyServer
import ParleyStore
import ParleyTestSupport
import SQLKit
import Testing

/// `parley worker` processes sharing one real PostgreSQL database: every job's effect happens
/// exactly once with two of them, and a job whose worker is killed with SIGKILL runs again
/// after its lease expires.
@Suite("parley worker processes")
struct WorkerProcessTests {
    static let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/parley").path

    /// A started `parley worker`, its output going to a file in the test's folder.
    final class WorkerProcess: Sendable {
        let process: Process
        let logPath: String

        init(databaseURL: String, folder: String, name: String, leaseSeconds: Int = 60, arguments: [String] = ["worker"],
             extra: [String: String] = [:]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: WorkerProcessTests.binary)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: folder)
            var environment = ProcessInfo.processInfo.environment
            environment["DATABASE_URL"] = databaseURL
            environment["PARLEY_SECRET_KEY"] = "test-server-secret-0123456789"
            environment["PARLEY_APP_DATA_DIR"] = folder + "/data-\(name)"
            environment["PARLEY_LOGGING_PATH"] = folder + "/\(name).jsonl"
            environment["PARLEY_LOGGING_STDOUT"] = "false"
            environment["PARLEY_EMBEDDINGS_PROVIDER"] = "none"
            environment["PARLEY_APP_SEED_DEMO"] = "false"
            environment["PARLEY_JOBS_LEASE_SECONDS"] = "\(leaseSeconds)"
            environment["PARLEY_JOBS_CONCURRENCY"] = "8"
            environment.merge(extra) { _, new in new }
            process.environment = environment
            logPath = folder + "/\(name).out"
            FileManager.default.createFile(atPath: logPath, contents: nil)
            let output = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
            process.standardOutput = output
            process.standardError = output
            try process.run()
            self.process = process
        }

        var output: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

        func kill9() { kill(process.processIdentifier, SIGKILL) }

        /// SIGTERM, then wait for the process to end.
        func stop() async throws {
            if process.isRunning { process.terminate() }
            let process = process
            try await offPool { process.waitUntilExit() }
        }
    }

    /// A migrated PostgreSQL database with one tenant (through a server that runs no worker).
    func withDatabase(_ body: (ParleyTestServer, SQLJobStore, Tenant, String) async throws -> Void) async throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "the parley binary is not built at \(Self.binary)")
        try await ParleyTestServer.with(.postgres, adjust: { $0.app.seedDemo = false; $0.jobs.inProcessWorker = false }) { server in
            let tenant = try await server.services.provisioner(server.stores).createTenant(name: "Jobs", slug: "jobs").tenant
            let url = try #require(server.database.url)
            try await body(server, try SQLJobStore(database: server.app.db(.parley)), tenant, url)
        }
    }

    /// A started `parley serve` on a port the kernel chose, and that port once the process says
    /// it serves (its `server_started` log line) and answers `/health`. A port picked free
    /// beforehand could be taken by another test's server while this one starts; its `/health`
    /// would then answer for it.
    func startServer(_ server: ParleyTestServer, url: String, name: String,
                     extra: [String: String]) async throws -> (process: WorkerProcess, port: Int) {
        let process = try WorkerProcess(databaseURL: url, folder: server.database.folder, name: name,
                                        arguments: ["serve", "--host", "127.0.0.1", "--port", "0"], extra: extra)
        let logPath = server.database.folder + "/\(name).jsonl"
        var port: Int?
        _ = try await eventually(timeout: .seconds(60)) {
            port = Self.servedPort(log: (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")
            return port != nil || !process.process.isRunning
        }
        let served = try #require(port, "\(name) never said it serves: \(process.output.suffix(800))")
        let healthy = try await eventually(timeout: .seconds(30)) {
            (try? await server.client.get(url: "http://127.0.0.1:\(served)/health").get().status.code) == 200
        }
        #expect(healthy, "\(process.output.suffix(800))")
        return (process, served)
    }

    /// The port in a `server_started` line's address (`[IPv4]127.0.0.1/127.0.0.1:41234`).
    static func servedPort(log: String) -> Int? {
        guard let line = log.split(separator: "\n").first(where: { $0.contains("\"server_started\"") }),
              let address = line.firstMatch(of: /"address":"[^"]*:(\d+)"/) else { return nil }
        return Int(address.1)
    }

    @Test func twoWorkerProcessesRunEachOfAThousandJobsOnce() async throws {
        try await withDatabase { server, store, tenant, url in
            let queue = JobQueue(store: store)
            for index in 0 ..< 1000 {
                try await queue.enqueue(ProbeJob.self, .init(key: "\(index)"), tenant: index.isMultiple(of: 3) ? nil : tenant.id)
            }
            let folder = server.database.folder
            let housekeeping = HousekeepingJob.recurring()
            let firstPeriod = housekeeping.periodIndex(at: Date())
            let workers = try ["a", "b"].map { try WorkerProcess(databaseURL: url, folder: folder, name: $0) }
            let sql = try #require(server.app.db(.parley) as? any SQLDatabase)
            let started = ContinuousClock.now
            let drained = try await eventually(timeout: .seconds(90)) {
                try await sql.raw("SELECT COUNT(*) AS n FROM jobs WHERE kind = 'diagnostics.probe' AND state = 'succeeded'").first()?
                    .decode(column: "n", as: Int.self) == 1000
            }
            print("two worker processes drained 1,000 probe jobs in \(started.duration(to: .now))")
            for worker in workers { try await worker.stop() }
            let counts = try await store.counts()
            #expect(drained, "jobs: \(counts); worker a: \(workers[0].output.suffix(500))")
            #expect(try await server.rowCount("job_effects") == 1000, "each effect once, none lost")
            let attempts = try await sql.raw("SELECT MAX(attempts) AS most FROM jobs").first()
            #expect(try attempts?.decode(column: "most", as: Int.self) == 1, "no job ran twice")
            for worker in workers { #expect(worker.process.terminationStatus == 0, "\(worker.output.suffix(300))") }
            // Both processes offered the recurring housekeeping job: one job per period, for
            // periods of the run only (a period that began after the workers' last offer, when
            // the run crossed a boundary, may have none).
            let periods = firstPeriod ... housekeeping.periodIndex(at: Date())
            let offered = try await sql.raw("SELECT dedupe_key FROM jobs WHERE kind = 'maintenance.housekeeping'").all()
                .map { try $0.decode(column: "dedupe_key", as: String.self) }
            let offeredPeriods = offered.compactMap { $0.split(separator: "@").last.flatMap { Int64($0) } }
            #expect(!offered.isEmpty && offeredPeriods.count == offered.count && Set(offeredPeriods).count == offered.count, "\(offered)")
            #expect(offeredPeriods.allSatisfy(periods.contains), "\(offered) over periods \(periods)")
        }
    }

    @Test func jobOfAKilledWorkerRunsAgainAfterItsLease() async throws {
        try await withDatabase { server, store, tenant, url in
            // The hold outlasts a slow claim-to-kill window (a busy machine once took over 4 s, and
            // the first worker finished the job before it was killed).
            let id = try #require(try await JobQueue(store: store).enqueue(ProbeJob.self, .init(key: "killed", holdMs: 10_000), tenant: tenant.id))
            let folder = server.database.folder
            let first = try WorkerProcess(databaseURL: url, folder: folder, name: "first", leaseSeconds: 2)
            let claimed = try await eventually(timeout: .seconds(30)) { try await store.job(id)?.state == .running }
            #expect(claimed, "\(first.output.suffix(500))")
            first.kill9()
            try await first.stop()
            let killedAt = ContinuousClock.now
            let second = try WorkerProcess(databaseURL: url, folder: folder, name: "second", leaseSeconds: 2)
            let done = try await eventually(timeout: .seconds(60)) { try await store.job(id)?.state == .succeeded }
            try await second.stop()
            #expect(done, "\(second.output.suffix(500))")
            #expect(killedAt.duration(to: .now) >= .seconds(10), "it ran again (after the lease) for its whole hold")
            let job = try #require(try await store.job(id))
            #expect(job.attempts == 2)
            #expect(try await store.record("probe:killed", job: id, tenant: tenant.id) == false, "its effect happened")
            #expect(try await server.rowCount("job_effects") == 1, "once")
        }
    }

    @Test func sigtermLetsAWorkerGiveItsRunningJobBack() async throws {
        try await withDatabase { server, store, tenant, url in
            let id = try #require(try await JobQueue(store: store).enqueue(ProbeJob.self, .init(key: "long", holdMs: 60_000), tenant: tenant.id))
            let worker = try WorkerProcess(databaseURL: url, folder: server.database.folder, name: "term",
                                           extra: ["PARLEY_APP_SHUTDOWN_GRACE_SECONDS": "1"])
            let running = try await eventually(timeout: .seconds(30)) { try await store.job(id)?.state == .running }
            #expect(running, "\(worker.output.suffix(500))")
            let stopping = ContinuousClock.now
            try await worker.stop()
            #expect(stopping.duration(to: .now) < .seconds(10), "the worker stopped within its grace time")
            #expect(worker.process.terminationStatus == 0, "\(worker.output.suffix(500))")
            let job = try #require(try await store.job(id))
            #expect(job.state == .queued && job.attempts == 0 && job.lockedBy == nil, "given back, its attempt not counted: \(job.state) \(job.attempts)")
        }
    }

    @Test func sigtermStopsAServerAndItsWorkerCleanly() async throws {
        try await withDatabase { server, store, tenant, url in
            let (serve, _) = try await startServer(server, url: url, name: "serve", extra: ["PARLEY_APP_SHUTDOWN_GRACE_SECONDS": "1"])
            // Its in-process worker runs jobs queued by another process (woken by NOTIFY).
            let id = try #require(try await JobQueue(store: store).enqueue(ProbeJob.self, .init(key: "served"), tenant: tenant.id))
            let ran = try await eventually { try await store.job(id)?.state == .succeeded }
            #expect(ran)
            try await serve.stop()
            #expect(serve.process.terminationStatus == 0, "\(serve.output.suffix(800))")
            let log = (try? String(contentsOfFile: server.database.folder + "/serve.jsonl", encoding: .utf8)) ?? ""
            #expect(log.contains("server_stopped"), "\(log.suffix(800))")
        }
    }

    @Test func twoServerProcessesShareOneRateLimit() async throws {
        try await withDatabase { server, _, _, url in
            let limits = ["PARLEY_APP_DEFAULT_TENANT": "jobs", "PARLEY_LIMITS_IP_PER_MINUTE": "4", "PARLEY_LIMITS_VISITOR_PER_MINUTE": "0",
                          "PARLEY_JOBS_IN_PROCESS_WORKER": "false"]
            async let first = startServer(server, url: url, name: "serve-a", extra: limits)
            async let second = startServer(server, url: url, name: "serve-b", extra: limits)
            let started = try await [first, second]
            let ports = started.map(\.port), processes = started.map(\.process)
            try await RateLimitTests.awayFromMinuteBoundary()
            // Three turns to each process from one address: four pass in all, whichever process counts them.
            var statuses: [Int] = []
            for port in ports {
                for index in 0 ..< 3 {
                    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/a/sales/chat")
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(string: #"{"message": "turn \#(index)"}"#))
                    let response = try await server.client.execute(request, timeout: .seconds(30))
                    statuses.append(Int(response.status.code))
                    if response.status.code == 429 { #expect(response.headers.first(name: "Retry-After") != nil) }
                    _ = try await response.body.collect(upTo: 1 << 16)
                }
            }
            #expect(statuses == [201, 201, 201, 201, 429, 429], "\(statuses)")
            #expect(try await server.rowCount("messages") == 4)
            for process in processes { try await process.stop() }
        }
    }

    /// The high-water mark of a process's resident memory, in KiB (Linux).
    static func peakResidentKiB(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }

    @Test func unauthenticatedUploadsDoNotRaiseTheServersPeakMemory() async throws {
        try await withDatabase { server, _, _, url in
            let (serve, port) = try await startServer(server, url: url, name: "serve-uploads",
                                                      extra: ["PARLEY_APP_DEFAULT_TENANT": "jobs", "PARLEY_JOBS_IN_PROCESS_WORKER": "false"])
            let pid = serve.process.processIdentifier
            let before = try #require(Self.peakResidentKiB(pid))
            // Eight 10 MB uploads at once with a key that names no tenant: buffered, they would add 80 MB.
            let total = 10 << 20
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0 ..< 8 {
                    group.addTask {
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/sources")
                        request.method = .POST
                        request.headers.add(name: "Authorization", value: "Bearer sk_not_a_key")
                        request.headers.add(name: "Content-Type", value: "application/json")
                        let chunks = AsyncStream<ByteBuffer> { continuation in
                            for _ in 0 ..< total / (256 << 10) { continuation.yield(ByteBuffer(repeating: 0x20, count: 256 << 10)) }
                            continuation.finish()
                        }
                        request.body = .stream(chunks, length: .known(Int64(total)))
                        do {
                            return Int(try await server.client.execute(request, timeout: .seconds(30)).status.code)
                        } catch {
                            return -1   // the server answered and closed while the body was still going out
                        }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 401 || $0 == -1 } && statuses.contains(401), "\(statuses)")
            let after = try #require(Self.peakResidentKiB(pid))
            #expect(after - before < 24 * 1024, "peak memory grew by \((after - before) / 1024) MiB")
            try await serve.stop()
        }
    }
}
