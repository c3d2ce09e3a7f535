import Dispatch
import FluentKit
import Logging
import NIOPosix
import SQLiteNIO
import Synchronization
import VaporCSQLite

/// Runs statements straight on the process's one SQLite connection: on the calling thread when
/// no other thread is using the connection (``CallingThreadSQLite``), otherwise on the
/// connection's own thread, which hands the rows back to the waiting task in one step.
///
/// Through sqlite-nio each statement went from the task to the pool's event loop (to lease the
/// connection), to the connection's thread, back to the event loop for every row and for the
/// end, and back to the task: four thread wake-ups or more for a statement whose own work takes
/// about 0.1 ms. On the connection's thread it is two (there, then back to the task); on the
/// calling thread none.
///
/// The lane shares the connection with sqlite-nio, which leases it from its pool for a
/// transaction and runs the transaction's statements on the same one thread. A statement here
/// runs only when the connection is outside any transaction (`sqlite3_get_autocommit`, read on
/// that thread, where nothing else can run meanwhile); otherwise it answers `nil` and the
/// caller goes through the pool, waiting for the transaction to end as before.
final class DirectSQLiteLane: Sendable {
    private enum Token {
        case unknown
        case known(Int)
        /// The connection has no token (opened before ``SQLiteConnectionTokens/install()``).
        case unavailable
    }

    /// The connection's thread (the `NIOThreadPool` of one thread its driver was made with).
    private let thread: NIOThreadPool
    private let token = Mutex(Token.unknown)
    /// The statements kept prepared. Its lock is held by whoever runs statements through the
    /// lane (the connection's thread or a caller's, below), so they run one at a time.
    private let kept = Mutex(PreparedSQLiteStatements())
    /// Whether a statement may run on the calling thread when the connection is free.
    private let onCallingThreadWhenFree: Bool

    init(thread: NIOThreadPool, onCallingThreadWhenFree: Bool = true) {
        self.thread = thread
        self.onCallingThreadWhenFree = onCallingThreadWhenFree
        SQLiteConnectionTokens.install()
    }

    /// Runs the statement on the connection's thread: its rows, or nil when it must go through
    /// the pool instead (a transaction is open, or the connection is not known yet or closed).
    /// `identify` asks the connection for its token, through the pool.
    func run(_ sql: String, binds: [SQLiteData], identify: () async throws -> Int?) async throws -> [DirectSQLiteRow]? {
        try await onConnection(identify: identify) { db, statements in
            try DirectSQLiteStatement.run(sql, binds: binds, on: db, statements: statements)
        }
    }

    /// Runs the statements in one transaction (`BEGIN IMMEDIATE`, so a reading statement
    /// cannot find its snapshot outdated by another process's write when a later one writes),
    /// in one trip to the connection's thread: the rows of each, or nil as for `run`. A failing
    /// statement rolls the whole batch back.
    func runInTransaction(_ statements: [(sql: String, binds: [SQLiteData])],
                          identify: () async throws -> Int?) async throws -> [[DirectSQLiteRow]]? {
        try await onConnection(identify: identify) { db, prepared in
            _ = try DirectSQLiteStatement.run("BEGIN IMMEDIATE", binds: [], on: db, statements: prepared)
            do {
                var rows: [[DirectSQLiteRow]] = []
                for statement in statements {
                    rows.append(try DirectSQLiteStatement.run(statement.sql, binds: statement.binds, on: db, statements: prepared))
                }
                _ = try DirectSQLiteStatement.run("COMMIT", binds: [], on: db, statements: prepared)
                return rows
            } catch {
                _ = try? DirectSQLiteStatement.run("ROLLBACK", binds: [], on: db, statements: prepared)
                throw error
            }
        }
    }

    /// `work` with the connection's handle, when the connection is known, open and outside any
    /// transaction; otherwise nil. On the calling thread when the connection is free right now
    /// (``CallingThreadSQLite``), else on the connection's thread.
    private func onConnection<T: Sendable>(identify: () async throws -> Int?,
                                           _ work: @escaping @Sendable (OpaquePointer, PreparedSQLiteStatements) throws -> T) async throws -> T? {
        guard let token = try await currentToken(identify: identify) else { return nil }
        if onCallingThreadWhenFree, let result = try CallingThreadSQLite.run(on: token, kept: kept, work) {
            return result
        }
        let result: T? = try await thread.runIfActive { [self] in
            try kept.withLock { prepared -> T? in
                guard let db = SQLiteConnectionTokens.handle(token) else { return nil }
                guard sqlite_nio_sqlite3_get_autocommit(db) != 0 else { return nil }
                return try work(db, prepared)
            }
        }
        if result == nil, SQLiteConnectionTokens.handle(token) == nil {
            self.token.withLock { if case .known(token) = $0 { $0 = .unknown } }
        }
        return result
    }

    /// Finalizes the kept statements and keeps none from now on: before the driver closes the
    /// connection, which SQLite refuses while statements are live.
    func finalizeStatements() async {
        _ = try? await thread.runIfActive { [self] in kept.withLock { $0.finalizeAll() } }
    }

    /// `finalizeStatements`, blocking the caller (the driver's synchronous shutdown).
    func finalizeStatementsAndWait() {
        let done = DispatchSemaphore(value: 0)
        thread.submit { [self] _ in
            kept.withLock { $0.finalizeAll() }
            done.signal()
        }
        done.wait()
    }

    private func currentToken(identify: () async throws -> Int?) async throws -> Int? {
        switch token.withLock({ $0 }) {
        case .known(let known): return known
        case .unavailable: return nil
        case .unknown:
            do {
                let found = try await identify()
                token.withLock { $0 = found.map(Token.known) ?? .unavailable }
                return found
            } catch let error as any DatabaseError where error.isSyntaxError {
                token.withLock { $0 = .unavailable }   // no token function on this connection
                return nil
            } catch {
                return nil   // asked again next time
            }
        }
    }
}
