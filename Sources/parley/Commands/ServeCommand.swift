import ArgumentParser
import Fluent
import Foundation
import Logging
import ParleyAccounts
import ParleyCore
import ParleyServer
import ParleyStore
import ServiceLifecycle
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
        try await app.server.start(address: nil)
        let runsJobs = app.parley.config.jobs.inProcessWorker && !noWorker
        let background = try app.parley.servingServices(on: app.db(.parley), runsJobs: runsJobs)
        let address = app.http.server.shared.localAddress
        logger.info("parley is serving", metadata: [
            "event": "server_started", "address": "\(address.map { "\($0)" } ?? "?")",
            "mode": "\(app.parley.config.app.mode.rawValue)", "llm": "\(app.parley.model.provider)",
            "database": "\(app.parley.databaseKind.rawValue)", "job_worker": "\(runsJobs)",
        ])
        if try await !app.parley.accounts(on: app.db(.parley)).hasAccounts() {
            logger.notice("""
                no admin account yet; create the first with: parley admin create --email you@example.com \
                --tenant \(app.parley.config.app.defaultTenant) --role owner (or --platform for a platform administrator)
                """, metadata: ["event": "no_admin_account"])
        }
        // The HTTP server last, so the first to stop: it drains its streams, then the workers
        // finish or give back their jobs, then the follower stops.
        try await Runtime.runUntilSignalled(background + [HTTPServerService(app: app, logger: logger)], app: app, logger: logger)
    }
}
