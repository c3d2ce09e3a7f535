import ArgumentParser
import Fluent
import Foundation
import Logging
import ParleyCore
import ParleyJobs
import ParleyServer
import ServiceLifecycle
import Vapor

/// `parley worker`: runs jobs (ingestion, housekeeping) without serving HTTP. Any number of
/// workers may share one PostgreSQL database with any number of `parley serve` processes;
/// SIGTERM or SIGINT lets running jobs finish within `app.shutdown_grace_seconds` and gives the
/// rest back to the queue.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run queued jobs (ingestion, housekeeping) without serving HTTP.")

    @OptionGroup var global: GlobalOptions

    @ArgumentParser.Option(help: "Jobs this process runs at once (overrides jobs.concurrency).")
    var concurrency: Int?

    func validate() throws {
        if let concurrency, !(1 ... 256).contains(concurrency) { throw ValidationError("--concurrency must be 1 to 256") }
    }

    func run() async throws {
        let loaded = try Runtime.loadConfiguration(global)
        try Runtime.bootstrapLogging(loaded)
        let logger = Logger(label: "parley.worker")
        let app = try await Runtime.makeApplication(loaded) { config in
            if let concurrency { config.jobs.concurrency = concurrency }
        }
        let registry = app.parley.jobRegistry(on: app.db(.parley))
        let services = try app.parley.jobServices(on: app.db(.parley), registry: registry)
        logger.info("parley worker started", metadata: ["event": "worker_started",
                                                        "kinds": "\(registry.kinds.map(\.name).sorted().joined(separator: ","))"])
        // Scripts and tests wait for this line to know the worker is running.
        print("parley worker: running jobs (\(registry.kinds.map(\.name).sorted().joined(separator: ", ")))")
        // Running jobs finish within app.shutdown_grace_seconds, the rest go back to the queue.
        try await Runtime.runUntilSignalled(services, app: app, logger: logger)
        logger.info("worker stopped", metadata: ["event": "worker_stopped"])
    }
}
