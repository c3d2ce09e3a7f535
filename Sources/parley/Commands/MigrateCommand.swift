import ArgumentParser
import Fluent
import Foundation
import Logging
import ParleyCore
import ParleyServer
import ParleyStore
import Vapor

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or update the database tables (safe to run again).")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let loaded = try Runtime.loadConfiguration(global)
        try Runtime.bootstrapLogging(loaded, stdout: false)
        // Only the schema: no model load, no vector table, no demo tenant.
        let app = try await Runtime.makeApplication(loaded, usesEmbeddings: false, seeds: false) { $0.app.autoMigrate = true }
        let kind = app.parley.databaseKind.rawValue
        try await app.asyncShutdown()
        print("Migrations are up to date (\(kind)).")
    }
}
