import FluentKit
import Foundation
import NIOPosix
import ParleyStore
import SQLKit
import SQLiteKit
import SQLiteNIO
import Synchronization
import Testing

/// A direct statement runs on the calling thread when nobody else is using the connection, and
/// otherwise waits on the connection's thread as before: it never runs inside another's
/// transaction, never fails because another connection is writing, and never runs twice.
@Suite("SQLite statements on the calling thread")
struct CallingThreadSQLiteTests {
    /// Installs `thread_id()`, the id of the thread that evaluates it, on the fixture's connection.
    static func installThreadFunction(_ fixture: DirectSQLiteTests.Fixture) async throws {
        let sqlite = try #require(fixture.database as? any SQLiteDatabase)
        try await sqlite.withConnection { connection in
            try await connection.install(customFunction: SQLiteCustomFunction("thread_id", argumentCount: 0) { _ in
                Int(bitPattern: pthread_self())
            })
        }
    }

    final class Finished: Sendable {
        let count = Mutex(0)
    }

    static func threadID(_ sql: any SQLDatabase) async throws -> Int {
        try #require(try await sql.raw("SELECT thread_id() AS id").first()?.decode(column: "id", as: Int.self))
    }

    @Test func aFreeConnectionRunsTheStatementOnTheCallersThread() async throws {
        try await DirectSQLiteTests.with { fixture in
            try await Self.installThreadFunction(fixture)
            // Inside a transaction a statement runs through sqlite-nio, on the connection's thread.
            let connectionThread = try await fixture.database.transaction { transaction in
                try await Self.threadID(transaction as! any SQLDatabase)
            }
            var callers: Set<Int> = []
            for _ in 0..<20 { callers.insert(try await Self.threadID(fixture.sql)) }
            #expect(!callers.contains(connectionThread), "a direct statement went to the connection's thread")
        }
    }

    @Test(arguments: [(direct: true, onCallingThread: false), (direct: false, onCallingThread: true)])
    func withTheSettingsOffTheConnectionsThreadRunsThem(direct: Bool, onCallingThread: Bool) async throws {
        try await DirectSQLiteTests.with(direct: direct, onCallingThread: onCallingThread) { fixture in
            try await Self.installThreadFunction(fixture)
            let connectionThread = try await fixture.database.transaction { transaction in
                try await Self.threadID(transaction as! any SQLDatabase)
            }
            #expect(try await Self.threadID(fixture.sql) == connectionThread)
        }
    }

    /// Another connection to the file (another process's, say) holds the write lock: the
    /// statement and the batch wait for it instead of failing, and each runs exactly once.
    @Test func aWriterOnAnotherConnectionIsWaitedForAndNothingRunsTwice() async throws {
        try await DirectSQLiteTests.with { fixture in
            try await fixture.sql.raw("INSERT INTO notes (body) VALUES ('before')").run()
            let other = try await SQLiteConnection.open(storage: .file(path: fixture.folder + "/parley.sqlite"),
                                                        threadPool: fixture.pool, on: fixture.loops.any())
            try await other.query("BEGIN IMMEDIATE", [])
            try await other.query("INSERT INTO notes (body) VALUES ('other')", [])
            let finished = Finished()
            let batching = try #require(fixture.database as? any SQLStatementBatching)
            async let single: Void = {
                try await fixture.sql.raw("INSERT INTO notes (body) VALUES ('single')").run()
                finished.count.withLock { $0 += 1 }
            }()
            async let batch: [[any SQLRow]]? = {
                defer { finished.count.withLock { $0 += 1 } }
                return try await batching.batch([SQLQueryString("INSERT INTO notes (body) VALUES ('batch 1')"),
                                                 SQLQueryString("INSERT INTO notes (body) VALUES ('batch 2')")])
            }()
            try await Task.sleep(for: .milliseconds(300))
            #expect(finished.count.withLock { $0 } == 0, "a write went ahead of another connection's write lock")
            try await other.query("COMMIT", [])
            try await single
            let batchRows = try await batch
            try await other.close()
            #expect(batchRows?.count == 2)
            let bodies = try await DirectSQLiteTests.bodies(fixture.sql)
            #expect(bodies.sorted() == ["batch 1", "batch 2", "before", "other", "single"])
            // The connection's busy handler is sqlite-nio's again: the next statements run as usual.
            try await fixture.sql.raw("INSERT INTO notes (body) VALUES ('after')").run()
            #expect(try await DirectSQLiteTests.bodies(fixture.sql).last == "after")
        }
    }
}
