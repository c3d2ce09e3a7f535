import Dispatch
import FluentKit
import Logging
import NIOPosix
import SQLiteNIO
import Synchronization
import VaporCSQLite

/// Runs statements straight on the process's one SQLite connection, on the connection's own
/// thread, and hands the rows back to the waiting task in one step.
///
/// Through sqlite-nio each statement went from the task to the pool's event loop (to lease the
/// connection), to the connection's thread, back to the event loop for every row and for the
/// end, and back to the task: four thread wake-ups or more for a statement whose own work takes
/// about 0.1 ms. Here it is two (the connection's thread, then the task).
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
    /// Touched only on the connection's thread.
    private let prepared = PreparedSQLiteStatements()

    init(thread: NIOThreadPool) {
        self.thread = thread
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

    /// `work` on the connection's thread with its handle, when the connection is known, open
    /// and outside any transaction; otherwise nil.
    private func onConnection<T: Sendable>(identify: () async throws -> Int?,
                                           _ work: @escaping @Sendable (OpaquePointer, PreparedSQLiteStatements) throws -> T) async throws -> T? {
        guard let token = try await currentToken(identify: identify) else { return nil }
        let result: T? = try await thread.runIfActive { [prepared] in
            guard let db = SQLiteConnectionTokens.handle(token) else { return nil }
            guard sqlite_nio_sqlite3_get_autocommit(db) != 0 else { return nil }
            return try work(db, prepared)
        }
        if result == nil, SQLiteConnectionTokens.handle(token) == nil {
            self.token.withLock { if case .known(token) = $0 { $0 = .unknown } }
        }
        return result
    }

    /// Finalizes the kept statements and keeps none from now on: before the driver closes the
    /// connection, which SQLite refuses while statements are live.
    func finalizeStatements() async {
        _ = try? await thread.runIfActive { [prepared] in prepared.finalizeAll() }
    }

    /// `finalizeStatements`, blocking the caller (the driver's synchronous shutdown).
    func finalizeStatementsAndWait() {
        let done = DispatchSemaphore(value: 0)
        thread.submit { [prepared] _ in
            prepared.finalizeAll()
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
