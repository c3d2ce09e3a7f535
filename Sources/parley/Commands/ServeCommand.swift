import ArgumentParser
import Fluent
import Foundation
import Logging
import ParleyCore
import ParleyServer
import ParleyStore
import Vapor

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the chat API, widget and admin (migrates and seeds the demo tenant when configured).")

    @OptionGroup var global: GlobalOptions

    @ArgumentParser.Option(help: "Interface to listen on (overrides app.host).")
    var host: String?

    @ArgumentParser.Option(help: "Port to listen on (overrides app.port).")
    var port: Int?

    @ArgumentParser.Flag(help: "Serve HTTP only; jobs run in `parley worker` processes (overrides jobs.in_process_worker).")
    var noWorker = false

    func run() async throws {
        let loaded = try Runtime.loadConfiguration(global)
        try Runtime.bootstrapLogging(loaded)
        let logger = Logger(label: "parley.serve")
        let app = try await Runtime.makeApplication(loaded, loadsKnowledge: true) { config in
            if let host { config.app.host = host }
            if let port { config.app.port = port }
        }
        try await app.server.start()
        let runsJobs = app.parley.config.jobs.inProcessWorker && !noWorker
        let jobs = runsJobs ? try app.parley.jobServices(on: app.db(.parley)) : []
        let background = BackgroundWork(jobs + [app.parley.indexFollower()])
        let address = app.http.server.shared.localAddress
        logger.info("parley is serving", metadata: [
            "event": "server_started", "address": "\(address.map { "\($0)" } ?? "?")",
            "mode": "\(app.parley.config.app.mode.rawValue)", "llm": "\(app.parley.model.provider)",
            "database": "\(app.parley.databaseKind.rawValue)", "job_worker": "\(runsJobs)",
        ])
        let signal = await ShutdownSignal.wait()
        let inFlight = await app.parley.streams.count
        logger.info("shutting down", metadata: ["event": "server_stopping", "signal": "\(signal)", "active_streams": "\(inFlight)"])
        let grace = app.parley.config.app.shutdownGraceSeconds
        // Streams and jobs drain side by side, each within the grace time.
        async let jobsStopped: Void = background.stop()
        let drained = await app.parley.streams.drain(timeout: .milliseconds(Int64(grace * 1000)))
        await jobsStopped
        await app.server.shutdown()
        try await app.asyncShutdown()
        logger.info("stopped", metadata: ["event": "server_stopped", "streams_drained": "\(drained)"])
    }
}

/// Waits for SIGINT or SIGTERM.
enum ShutdownSignal {
    static func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let once = OnceBox(continuation)
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
                source.setEventHandler { once.resume(number) }
                source.resume()
                OnceBox.keep(source)
            }
        }
    }

    /// Resumes the continuation for the first signal only, and keeps the sources alive.
    final class OnceBox: @unchecked Sendable {
        private var continuation: CheckedContinuation<Int32, Never>?
        private let lock = NSLock()
        nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

        init(_ continuation: CheckedContinuation<Int32, Never>) { self.continuation = continuation }

        func resume(_ signal: Int32) {
            lock.lock()
            let pending = continuation
            continuation = nil
            lock.unlock()
            pending?.resume(returning: signal)
        }

        static func keep(_ source: any DispatchSourceSignal) { sources.append(source) }
    }
}
