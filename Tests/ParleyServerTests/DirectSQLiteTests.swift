import FluentKit
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import ParleyCore
import ParleyStore
import ParleyTestSupport
import SQLKit
import Synchronization
import Testing

/// SQL statements outside transactions run straight on the SQLite connection's thread; inside
/// a transaction, or while another task's transaction holds the connection, they go through the
/// driver's pool as before and never become part of someone else's transaction.
@Suite("SQLite statements run directly")
struct DirectSQLiteTests {
    /// A database on a fresh file, its pool on an event loop of its own (which a test can block).
    final class Fixture: Sendable {
        let folder: String
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let pool = NIOThreadPool(numberOfThreads: 2)
        let databases: Databases
        let database: any Database
        let sql: any SQLDatabase

        init(direct: Bool = true) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("direct-sqlite-\(UUID().uuidString)").path
            var config = ParleyConfig()
            config.database.sqlitePath = folder + "/parley.sqlite"
            config.database.sqliteDirectStatements = direct
            // As in `ParleyTestServer`: under the whole suite on two cores a task may wait for the
            // one connection longer than a server's 10 s (it did, 8 tasks taking turns), and a
            // wait is not what these tests are about.
            config.database.poolTimeoutSeconds = 60
            pool.start()
            databases = Databases(threadPool: pool, on: loops)
            databases.use(try DatabaseSelection.factory(config: config, secrets: ParleySecrets()), as: .sqlite)
            database = try #require(databases.database(.sqlite, logger: Logger(label: "test"), on: loops.any()))
            sql = try #require(database as? any SQLDatabase)
        }

        func close(keepingFiles: Bool = false) async throws {
            await databases.shutdownAsync()
            try await pool.shutdownGracefully()
            try await loops.shutdownGracefully()
            if !keepingFiles { try? FileManager.default.removeItem(atPath: folder) }
        }
    }

    static func with(direct: Bool = true, _ body: (Fixture) async throws -> Void) async throws {
        let fixture = try Fixture(direct: direct)
        do {
            try await fixture.sql.raw("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE, weight REAL, data BLOB, at REAL)").run()
            try await body(fixture)
        } catch {
            try await fixture.close()
            throw error
        }
        try await fixture.close()
    }

    static func bodies(_ sql: any SQLDatabase) async throws -> [String] {
        try await sql.raw("SELECT body FROM notes ORDER BY id").all().map { try $0.decode(column: "body", as: String.self) }
    }

    @Test(arguments: [true, false])
    func aStatementWhileAnotherTaskHoldsATransactionWaitsAndIsNotPartOfIt(direct: Bool) async throws {
        try await Self.with(direct: direct) { fixture in
            let sql = fixture.sql
            try await sql.raw("INSERT INTO notes (body) VALUES ('before')").run()
            let opened = AsyncStream<Void>.makeStream()
            async let rolledBack: Void = {
                do {
                    try await fixture.database.transaction { transaction in
                        try await (transaction as! any SQLDatabase).raw("INSERT INTO notes (body) VALUES ('rolled back')").run()
                        opened.continuation.yield()
                        try await Task.sleep(for: .milliseconds(300))
                        throw CancellationError()
                    }
                } catch is CancellationError {}
            }()
            var waiting = opened.stream.makeAsyncIterator()
            _ = await waiting.next()
            // The transaction is open on the one connection: this statement must not join it.
            try await sql.raw("INSERT INTO notes (body) VALUES ('kept')").run()
            try await rolledBack
            #expect(try await Self.bodies(sql) == ["before", "kept"])
        }
    }

    @Test func statementsInsideATransactionAreItsOwn() async throws {
        try await Self.with { fixture in
            do {
                try await fixture.database.transaction { transaction in
                    let sql = transaction as! any SQLDatabase
                    try await sql.raw("INSERT INTO notes (body) VALUES ('one')").run()
                    #expect(try await Self.bodies(sql) == ["one"], "the transaction reads its own write")
                    throw CancellationError()
                }
            } catch is CancellationError {}
            #expect(try await Self.bodies(fixture.sql).isEmpty)
        }
    }

    /// The pool's event loop blocked until the statements finish: through the pool they could
    /// not lease the connection (the loop would give up after 30 s), directly they need no loop.
    @Test func aDirectStatementDoesNotNeedThePoolsEventLoop() async throws {
        try await Self.with { fixture in
            try await fixture.sql.raw("INSERT INTO notes (body) VALUES ('warm')").run()
            let released = DispatchSemaphore(value: 0)
            let entered = DispatchSemaphore(value: 0)
            let blocking = fixture.loops.any().submit {
                entered.signal()
                return released.wait(timeout: .now() + 30) == .timedOut
            }
            try await offPool { entered.wait() }
            try await fixture.sql.raw("INSERT INTO notes (body) VALUES ('while blocked')").run()
            let count = try await fixture.sql.raw("SELECT COUNT(*) AS n FROM notes").first()?.decode(column: "n", as: Int.self)
            released.signal()
            let gaveUp = try await blocking.get()
            #expect(!gaveUp, "the statements waited for the blocked loop")
            #expect(count == 2)
        }
    }

    @Test(arguments: [true, false])
    func valuesReadBackAsWritten(direct: Bool) async throws {
        try await Self.with(direct: direct) { fixture in
            let sql = fixture.sql
            let at = Date(timeIntervalSince1970: 1_765_000_000.25)
            let data = Data([0, 1, 2, 255])
            try await sql.raw("INSERT INTO notes (body, weight, data, at) VALUES (\(bind: "héllo ✓"), \(bind: 2.5), \(bind: data), \(bind: at))").run()
            try await sql.raw("INSERT INTO notes (body) VALUES (\(bind: "nulls"))").run()
            let rows = try await sql.raw("SELECT id, body, weight, data, at FROM notes ORDER BY id").all()
            #expect(rows.count == 2)
            #expect(try rows[0].decode(column: "id", as: Int.self) == 1)
            #expect(try rows[0].decode(column: "body", as: String.self) == "héllo ✓")
            #expect(try rows[0].decode(column: "weight", as: Double.self) == 2.5)
            #expect(try rows[0].decode(column: "data", as: Data.self) == data)
            #expect(try rows[0].decode(column: "at", as: Date.self) == at)
            #expect(try rows[1].decodeNil(column: "weight") && rows[1].decodeNil(column: "data"))
            #expect(try rows[1].decode(column: "weight", as: Double?.self) == nil)
            #expect(rows[0].allColumns == ["id", "body", "weight", "data", "at"])
            #expect(throws: (any Error).self) { try rows[0].decode(column: "missing", as: String.self) }
            // Ids: as bound, in lower case, and text that is no id (which fails as SQLiteKit fails).
            let id = SessionID()
            let ids = try #require(try await sql.raw("SELECT \(bind: id.uuid) AS bound, \(bind: id.description) AS lower, 'x' AS other").first())
            #expect(try ids.decode(column: "bound", as: UUID.self) == id.uuid)
            #expect(try ids.decode(column: "bound", as: SessionID.self) == id)
            #expect(try ids.decode(column: "lower", as: SessionID?.self) == id)
            #expect(throws: (any Error).self) { try ids.decode(column: "other", as: UUID.self) }
            #expect(throws: (any Error).self) { try ids.decode(column: "other", as: SessionID.self) }
        }
    }

    @Test func refusedStatementsThrowAndTheConnectionGoesOn() async throws {
        try await Self.with { fixture in
            let sql = fixture.sql
            try await sql.raw("INSERT INTO notes (body) VALUES ('unique')").run()
            do {
                try await sql.raw("INSERT INTO notes (body) VALUES ('unique')").run()
                Issue.record("a duplicate was stored")
            } catch let error as any DatabaseError {
                #expect(error.isConstraintFailure, "\(error)")
                #expect(!String(describing: error).contains("'unique'"), "no value in the message: \(error)")
            }
            await #expect(throws: (any Error).self) { try await sql.raw("SELEC nothing").run() }
            await #expect(throws: (any Error).self) { try await sql.raw("SELECT * FROM no_such_table").run() }
            try await sql.raw("INSERT INTO notes (body) VALUES ('after')").run()
            #expect(try await Self.bodies(sql) == ["unique", "after"])
        }
    }

    @Test func concurrentStatementsAndTransactionsLoseNothing() async throws {
        try await Self.with { fixture in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<8 {
                    group.addTask {
                        for index in 0..<25 {
                            let body = "\(task)-\(index)"
                            if index.isMultiple(of: 5) {
                                try await fixture.database.transaction { transaction in
                                    let sql = transaction as! any SQLDatabase
                                    try await sql.raw("INSERT INTO notes (body) VALUES (\(bind: body))").run()
                                    try await sql.raw("UPDATE notes SET weight = 1 WHERE body = \(bind: body)").run()
                                }
                            } else {
                                try await fixture.sql.raw("INSERT INTO notes (body) VALUES (\(bind: body))").run()
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let count = try await fixture.sql.raw("SELECT COUNT(*) AS n, SUM(weight) AS w FROM notes").first()
            #expect(try count?.decode(column: "n", as: Int.self) == 200)
            #expect(try count?.decode(column: "w", as: Double.self) == 40)
        }
    }

    @Test func aBatchRunsInOneTransactionAndReturnsEachStatementsRows() async throws {
        try await Self.with { fixture in
            let batching = try #require(fixture.database as? any SQLStatementBatching)
            let rows = try #require(try await batching.batch([
                SQLQueryString("INSERT INTO notes (body) VALUES ('a') RETURNING id"),
                SQLQueryString("INSERT INTO notes (body) VALUES ('b')"),
                SQLQueryString("SELECT body FROM notes ORDER BY id"),
            ]))
            #expect(rows.count == 3 && rows[0].count == 1 && rows[1].isEmpty)
            #expect(try rows[2].map { try $0.decode(column: "body", as: String.self) } == ["a", "b"])
            // The second statement breaks the unique constraint: the first is rolled back with it.
            await #expect(throws: (any Error).self) {
                _ = try await batching.batch([SQLQueryString("INSERT INTO notes (body) VALUES ('c')"),
                                              SQLQueryString("INSERT INTO notes (body) VALUES ('a')")])
            }
            #expect(try await Self.bodies(fixture.sql) == ["a", "b"])
            // The connection is outside any transaction again: a new batch runs.
            #expect(try await batching.batch([SQLQueryString("INSERT INTO notes (body) VALUES ('d')")]) != nil)
            #expect(try await Self.bodies(fixture.sql) == ["a", "b", "d"])
        }
    }

    @Test func noBatchInsideATransactionOrWhileAnotherHoldsTheConnection() async throws {
        try await Self.with { fixture in
            let batching = try #require(fixture.database as? any SQLStatementBatching)
            let inside = try await fixture.database.transaction { transaction in
                try await (transaction as? any SQLStatementBatching)?.batch([SQLQueryString("SELECT 1 AS one")])
            }
            #expect(inside == nil)
            let opened = AsyncStream<Void>.makeStream()
            async let held: Void = fixture.database.transaction { transaction in
                try await (transaction as! any SQLDatabase).raw("INSERT INTO notes (body) VALUES ('held')").run()
                opened.continuation.yield()
                try await Task.sleep(for: .milliseconds(300))
            }
            var waiting = opened.stream.makeAsyncIterator()
            _ = await waiting.next()
            let meanwhile = try await batching.batch([SQLQueryString("INSERT INTO notes (body) VALUES ('meanwhile')")])
            try await held
            #expect(meanwhile == nil, "a batch inside another task's transaction")
            #expect(try await Self.bodies(fixture.sql) == ["held"])
        }
    }

    /// Kept (prepared) statements are finalized before the driver closes the connection: SQLite
    /// refuses to close one with live statements, and a connection in WAL mode that closes
    /// removes its `-wal` file (the last one of the process does).
    @Test func theConnectionClosesAtShutdownWithItsKeptStatements() async throws {
        let fixture = try Fixture()
        _ = try await fixture.sql.raw("PRAGMA journal_mode=WAL").all()
        try await fixture.sql.raw("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)").run()
        for index in 0..<5 {
            try await fixture.sql.raw("INSERT INTO notes (body) VALUES (\(bind: "n\(index)"))").run()
            _ = try await fixture.sql.raw("SELECT body FROM notes WHERE id = \(bind: index)").all()
        }
        let wal = fixture.folder + "/parley.sqlite-wal"
        #expect(FileManager.default.fileExists(atPath: wal))
        try await fixture.close(keepingFiles: true)
        #expect(!FileManager.default.fileExists(atPath: wal), "the connection stayed open")
        try? FileManager.default.removeItem(atPath: fixture.folder)
    }

    @Test func keptStatementsFollowSchemaChangesAndManyTextsStayBounded() async throws {
        try await Self.with { fixture in
            let sql = fixture.sql
            try await sql.raw("INSERT INTO notes (body) VALUES ('one')").run()
            #expect(try await sql.raw("SELECT * FROM notes").first()?.allColumns == ["id", "body", "weight", "data", "at"])
            try await sql.raw("ALTER TABLE notes ADD COLUMN extra TEXT DEFAULT 'x'").run()
            let row = try await sql.raw("SELECT * FROM notes").first()
            #expect(row?.allColumns.last == "extra")
            #expect(try row?.decode(column: "extra", as: String.self) == "x")
            // More distinct texts than are kept: each still runs, with the right values.
            for index in 0..<200 {
                let value = try await sql.raw("SELECT \(unsafeRaw: String(index)) + \(bind: 1) AS n").first()?.decode(column: "n", as: Int.self)
                #expect(value == index + 1)
            }
        }
    }

    @Test func afterShutdownAStatementFailsInsteadOfCrashing() async throws {
        let fixture = try Fixture()
        try await fixture.sql.raw("CREATE TABLE notes (id INTEGER PRIMARY KEY)").run()
        await fixture.databases.shutdownAsync()
        await #expect(throws: (any Error).self) { try await fixture.sql.raw("SELECT id FROM notes").run() }
        try await fixture.pool.shutdownGracefully()
        try await fixture.loops.shutdownGracefully()
        try? FileManager.default.removeItem(atPath: fixture.folder)
    }
}
