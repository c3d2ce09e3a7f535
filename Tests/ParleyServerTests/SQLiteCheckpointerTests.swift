import Foundation
import Logging
import NIOCore
import NIOPosix
import ParleyStore
import SQLiteNIO
import Synchronization
import Testing

/// The background checkpointer copies the write-ahead log into the database file while the
/// writer, whose own checkpoints are held back, keeps writing.
@Suite("SQLite background checkpoints")
struct SQLiteCheckpointerTests {
    @Test func theLogReachesTheDatabaseFileWithoutTheWriter() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/db.sqlite"
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        let writer = try await SQLiteConnection.open(storage: .file(path: path), threadPool: pool, on: loop)
        for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA wal_autocheckpoint=\(SQLiteCheckpointer.backgroundWALPages)",
                       "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"] {
            try await writer.query(pragma, []) { _ in }
        }
        func fileSize() throws -> Int { (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        let body = String(repeating: "x", count: 2000)
        for _ in 0..<200 { try await writer.query("INSERT INTO notes (body) VALUES (?)", [.text(body)]) { _ in } }
        let before = try fileSize()
        #expect(before < 100_000, "the rows are still in the log, not in the file (\(before) bytes)")

        let checkpointer = try await SQLiteCheckpointer.start(path: path, threadPool: pool, eventLoop: loop, interval: .milliseconds(50),
                                                              logger: Logger(label: "test"))
        var after = before
        for _ in 0..<100 where after < 400_000 {
            try await Task.sleep(for: .milliseconds(20))
            after = try fileSize()
        }
        #expect(after >= 400_000, "200 rows of 2 KB were copied into the file (\(after) bytes)")
        // The writer is not held up: it goes on writing while checkpoints run.
        for _ in 0..<50 { try await writer.query("INSERT INTO notes (body) VALUES (?)", [.text(body)]) { _ in } }
        let count = Atomic<Int>(0)
        try await writer.query("SELECT COUNT(*) AS n FROM notes", []) { row in count.store(row.column("n")?.integer ?? 0, ordering: .relaxed) }
        #expect(count.load(ordering: .relaxed) == 250)
        await checkpointer.stop()
        try await writer.close()
        try await pool.shutdownGracefully()
    }
}
