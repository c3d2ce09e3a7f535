import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLiteNIO

/// Copies SQLite's write-ahead log into the database file from a connection of its own, in the
/// background, so that chat requests do not.
///
/// By default the connection whose commit pushes the log past 1,000 pages checkpoints it there
/// and then, with an `fsync`: a visitor's turn now and then waited 5–10 ms for it (at one visitor,
/// the p99 of a turn fell from 10–13 ms to 6–7 ms without it). A passive checkpoint neither waits
/// for nor blocks the writer; the request connection keeps its own checkpoint only as a bound
/// (`backgroundWALPages`) for when this one falls behind.
public final class SQLiteCheckpointer: Sendable {
    /// The log size at which the request connection checkpoints anyway (about 40 MB).
    public static let backgroundWALPages = 10_000

    private let connection: SQLiteConnection
    private let task: Task<Void, Never>

    private init(connection: SQLiteConnection, task: Task<Void, Never>) {
        self.connection = connection
        self.task = task
    }

    /// Opens the checkpointing connection and starts checkpointing every `interval`.
    public static func start(path: String, threadPool: NIOThreadPool, eventLoop: any EventLoop, interval: Duration = .milliseconds(500),
                             logger: Logger) async throws -> SQLiteCheckpointer {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), threadPool: threadPool, logger: logger, on: eventLoop)
        let task = Task {
            var failures = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { break }
                do {
                    try await connection.query("PRAGMA wal_checkpoint(PASSIVE)", []) { _ in }
                    failures = 0
                } catch {
                    failures += 1
                    if failures == 1 || failures.isMultiple(of: 100) {
                        logger.warning("background checkpoint failed", metadata: ["event": "sqlite_checkpoint_failed",
                                                                                   "error_type": "\(type(of: error))", "failures": "\(failures)"])
                    }
                }
            }
        }
        return SQLiteCheckpointer(connection: connection, task: task)
    }

    /// Stops checkpointing and closes the connection.
    public func stop() async {
        task.cancel()
        await task.value
        try? await connection.close()
    }
}
