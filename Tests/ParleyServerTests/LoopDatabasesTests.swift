import Fluent
import FluentSQLiteDriver
import NIOCore
@testable import ParleyServer
import SQLKit
import Testing
import Vapor

/// `LoopDatabases` gives a request the database made for its event loop at start, on that very
/// loop (whose connection pool `request.db` would use). A loop outside the application's group
/// is not tested: `request.db` itself stops the process there (AsyncKit has no pool for it), and
/// Vapor serves requests only on the group's loops.
@Suite("Loop databases")
struct LoopDatabasesTests {
    @Test func aRequestGetsItsLoopsDatabase() async throws {
        let app = try await Application.make(.testing)
        do {
            app.databases.use(.sqlite(.memory), as: .parley)
            let databases = LoopDatabases(app, id: .parley)
            let loops = Array(app.eventLoopGroup.makeIterator())
            #expect(databases.count == loops.count)
            #expect(!loops.isEmpty)
            for loop in loops {
                let request = Request(application: app, method: .GET, url: "/", on: loop)
                let database = databases.database(for: request)
                #expect(database.eventLoop === loop, "the request's own loop, whose connection pool request.db would use")
                #expect(database.logger.label == app.logger.label, "made at start, not for this request")
                #expect(try await Self.one(database) == 1)
            }
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    static func one(_ database: any Database) async throws -> Int? {
        let sql = try #require(database as? any SQLDatabase)
        return try await sql.raw("SELECT 1 AS one").first()?.decode(column: "one", as: Int.self)
    }
}
