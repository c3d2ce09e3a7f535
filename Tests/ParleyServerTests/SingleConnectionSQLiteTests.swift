import FluentKit
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import ParleyCore
import ParleyStore
import SQLKit
import Synchronization
import Testing

/// The process's one SQLite connection runs its statements on a thread of its own (not on the
/// application's thread pool, where each statement woke whichever idle thread came first), and
/// that thread stops with the database.
@Suite("SQLite through one connection")
struct SingleConnectionSQLiteTests {
    @Test func everyStatementRunsOnTheConnectionsOneThread() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("one-connection-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var config = ParleyConfig()
        config.database.sqlitePath = folder + "/parley.sqlite"
        config.database.poolTimeoutSeconds = 60  // eight tasks take turns at one connection under the whole suite's load
        let applicationPool = NIOThreadPool(numberOfThreads: 4)
        applicationPool.start()
        let databases = Databases(threadPool: applicationPool, on: MultiThreadedEventLoopGroup.singleton)
        databases.use(try DatabaseSelection.factory(config: config, secrets: ParleySecrets()), as: .sqlite)
        let database = try #require(databases.database(.sqlite, logger: Logger(label: "test"), on: MultiThreadedEventLoopGroup.singleton.any()))

        // A function of the connection that notes the thread each statement calls it on.
        let threads = Mutex<Set<UInt>>([])
        let statementThread = SQLiteCustomFunction("statement_thread", argumentCount: 0) { _ in
            threads.withLock { _ = $0.insert(UInt(pthread_self())) }
            return 1
        }
        let sqlite = try #require(database as? any SQLiteDatabase)
        try await sqlite.withConnection { $0.install(customFunction: statementThread) }.get()
        let sql = try #require(database as? any SQLDatabase)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<10 { _ = try await sql.raw("SELECT statement_thread() AS t").all() }
                }
            }
            try await group.waitForAll()
        }
        // Meanwhile the application's pool is free for other work, on threads of its own.
        let applicationThread = try await applicationPool.runIfActive { UInt(pthread_self()) }

        let seen = threads.withLock { $0 }
        #expect(seen.count == 1, "80 statements ran on \(seen.count) threads")
        #expect(!seen.contains(applicationThread))
        await databases.shutdownAsync()
        try await applicationPool.shutdownGracefully()
    }
}
