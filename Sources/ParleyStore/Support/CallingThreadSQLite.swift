import NIOPosix
import Synchronization
import VaporCSQLite

/// Runs a direct statement on the calling thread, when the connection is free right now.
///
/// A statement on the connection's own thread costs two thread hand-offs (there and back), each
/// a wake-up of a sleeping thread: at one visitor a chat turn's three trips to SQLite were six of
/// the turn's sixteen hand-offs, for statements whose own work takes 50-300 µs. When nobody else
/// is using the connection, the caller (a task on the cooperative pool) can run the statement
/// itself, as it runs any other short CPU work; when somebody is, it declines at once and the
/// statement queues on the connection's thread as before. It never waits:
/// - for the kept statements' lock (another caller or the connection's thread is running one);
/// - for the connection's own mutex (`sqlite3_db_mutex`, held by sqlite-nio during each call);
/// - for another connection's write lock: the busy handler fails at once while the statement
///   runs here (sqlite-nio's retries without end, which on this thread would spin a pool thread),
///   and a statement refused as busy has changed nothing (its write lock comes before its
///   changes; a batch is rolled back), so it is run again on the connection's thread.
/// It declines inside a transaction (`sqlite3_get_autocommit`) and while one of sqlite-nio's
/// statements is part-way through its rows (it releases the mutex between steps), and on a NIO
/// event loop, which must never run CPU work.
enum CallingThreadSQLite {
    /// `work`'s result, or nil when it declined (nothing was run, or what ran was undone).
    static func run<T>(on token: Int, kept: borrowing Mutex<PreparedSQLiteStatements>,
                       _ work: (OpaquePointer, PreparedSQLiteStatements) throws -> T) throws -> T? {
        guard MultiThreadedEventLoopGroup.currentEventLoop == nil else { return nil }
        let outcome = try kept.withLockIfAvailable { prepared -> T? in
            guard let db = SQLiteConnectionTokens.enterConnectionIfFree(token) else { return nil }
            defer { SQLiteConnectionTokens.leaveConnection(db) }
            guard sqlite_nio_sqlite3_get_autocommit(db) != 0, !hasStatementPartWay(on: db) else { return nil }
            _ = sqlite_nio_sqlite3_busy_handler(db, failWhenBusy, nil)
            defer { _ = sqlite_nio_sqlite3_busy_handler(db, retryWhenBusy, nil) }
            do {
                return try work(db, prepared)
            } catch let error as DirectSQLiteError where error.isBusy {
                return nil
            }
        }
        return outcome ?? nil
    }

    /// Whether a statement of the connection has returned rows and not yet finished or been reset.
    private static func hasStatementPartWay(on db: OpaquePointer) -> Bool {
        var statement = sqlite_nio_sqlite3_next_stmt(db, nil)
        while let current = statement {
            if sqlite_nio_sqlite3_stmt_busy(current) != 0 { return true }
            statement = sqlite_nio_sqlite3_next_stmt(db, current)
        }
        return false
    }

    private static let failWhenBusy: @convention(c) (UnsafeMutableRawPointer?, Int32) -> Int32 = { _, _ in 0 }
    /// sqlite-nio's own handler (`SQLiteConnection.openInternal`): retry at once, without end.
    private static let retryWhenBusy: @convention(c) (UnsafeMutableRawPointer?, Int32) -> Int32 = { _, _ in 1 }
}
