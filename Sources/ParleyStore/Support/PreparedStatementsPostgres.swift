import FluentKit
import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit

/// PostgreSQL through FluentPostgresDriver, with every SQLKit statement that can be prepared run
/// as a statement prepared once per connection (``PostgresStatementNames``).
///
/// The chat turn's statements are short and run thousands of times a minute; unnamed, each was
/// parsed and planned on every call, which took as long on the server as running it. Fluent's
/// own model queries, DDL and statements that cannot be prepared go through the driver as before.
///
/// `database.postgres_prepared_statements: false` turns this off, for a connection pooler that
/// does not keep a server connection per client connection (PgBouncer in transaction mode).
struct PreparedStatementsPostgres: WrappingDatabaseConfiguration {
    var wrapped: any DatabaseConfiguration

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        Driver(wrapped: wrapped.makeDriver(for: databases), budget: PreparedStatementBudget())
    }

    struct Driver: WrappingDatabaseDriver {
        let wrapped: any DatabaseDriver
        let budget: PreparedStatementBudget

        func makeDatabase(with context: DatabaseContext) -> any Database {
            let database = wrapped.makeDatabase(with: context)
            return PreparingPostgresDatabase(wrapping: database, budget: budget) ?? database
        }
    }
}

/// A FluentPostgresDriver database whose SQLKit statements run prepared; everything else is
/// the wrapped database's.
struct PreparingPostgresDatabase: ForwardingDatabase, SQLDatabase, PostgresDatabase, TransactionControlDatabase {
    let base: any Database
    private let baseSQL: any SQLDatabase
    private let basePostgres: any PostgresDatabase
    private let budget: PreparedStatementBudget

    init?(wrapping base: any Database, budget: PreparedStatementBudget) {
        guard let sql = base as? any SQLDatabase, let postgres = base as? any PostgresDatabase else { return nil }
        self.base = base
        self.baseSQL = sql
        self.basePostgres = postgres
        self.budget = budget
    }

    private func wrap(_ database: any Database) -> any Database {
        PreparingPostgresDatabase(wrapping: database, budget: budget) ?? database
    }

    // MARK: Database (model queries and schema changes: ForwardingDatabase)

    func transaction<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        base.transaction { [self] in closure(wrap($0)) }
    }

    func withConnection<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        base.withConnection { [self] in closure(wrap($0)) }
    }

    // MARK: TransactionControlDatabase (statements that are never prepared)

    func beginTransaction() -> EventLoopFuture<Void> { raw("BEGIN").run() }
    func commitTransaction() -> EventLoopFuture<Void> { raw("COMMIT").run() }
    func rollbackTransaction() -> EventLoopFuture<Void> { raw("ROLLBACK").run() }

    // MARK: SQLDatabase

    var version: (any SQLDatabaseReportedVersion)? { baseSQL.version }
    var dialect: any SQLDialect { baseSQL.dialect }
    var queryLogLevel: Logger.Level? { baseSQL.queryLogLevel }

    /// A statement that is not prepared (`BEGIN`, DDL…) goes to the driver as it came, without a task.
    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        let prepared: (statement: PreparableStatement, slot: any StatementSlot.Type)
        do {
            guard let found = try preparable(query) else { return baseSQL.execute(sql: query, onRow) }
            prepared = found
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        return eventLoop.makeFutureWithTask { try await run(prepared.statement, as: prepared.slot, onRow) }
    }

    /// Runs in the calling task on a connection lent by the pool: a task of its own per
    /// statement would add two thread hops to each.
    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        guard let prepared = try preparable(query) else { return try await baseSQL.execute(sql: query, onRow) }
        try await run(prepared.statement, as: prepared.slot, onRow)
    }

    /// The statement and its name when it runs prepared; nil when it goes to the driver as it is.
    private func preparable(_ query: any SQLExpression) throws -> (statement: PreparableStatement, slot: any StatementSlot.Type)? {
        var serializer = SQLSerializer(database: self)
        query.serialize(to: &serializer)
        guard let statement = try PreparableStatement(text: serializer.sql, binds: serializer.binds),
              let slot = budget.slot(for: statement.key) else { return nil }
        return (statement, slot)
    }

    private func run(_ statement: PreparableStatement, as slot: any StatementSlot.Type,
                     _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await withLentConnection { connection in
            try await Self.run(statement, as: slot, on: connection, budget: budget, logger: logger, onRow)
        }
    }

    /// Borrows a connection from the pool for `body`, and gives it back when `body` is done.
    private func withLentConnection(_ body: (PostgresConnection) async throws -> Void) async throws {
        let loop = basePostgres.eventLoop
        let done = loop.makePromise(of: Void.self)
        let connection: PostgresConnection
        do {
            connection = try await withCheckedThrowingContinuation { lent in
                basePostgres.withConnection { connection in
                    lent.resume(returning: connection)
                    return done.futureResult
                }.whenFailure { error in
                    // Only a failure to lend reaches here: `done` never fails.
                    lent.resume(throwing: error)
                }
            }
        } catch {
            done.succeed()
            throw error
        }
        defer { done.succeed() }
        try await body(connection)
    }

    func withSession<R: Sendable>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await baseSQL.withSession(closure)
    }

    /// Executes the statement under its slot's name. A statement that failed in a way that may
    /// pass later gets a new name; one whose name the server no longer knows (SQLSTATE 26000:
    /// a pooler, `DISCARD ALL`) did not run, and runs again once under its new name.
    private static func run(_ statement: PreparableStatement, as slot: any StatementSlot.Type, on connection: PostgresConnection,
                            budget: PreparedStatementBudget, logger: Logger, isRetry: Bool = false,
                            _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        do {
            try await execute(statement, as: slot, on: connection, logger: logger, onRow)
        } catch let error as PSQLError where mayPassLater(error) {
            budget.retire(statement.key, slot: slot)
            guard !isRetry, error.serverInfo?[.sqlState] == "26000", let renamed = budget.slot(for: statement.key) else { throw error }
            try await run(statement, as: renamed, on: connection, budget: budget, logger: logger, isRetry: true, onRow)
        }
    }

    /// PostgresNIO prepares the statement first on a connection that has not seen its name.
    private static func execute<Slot: StatementSlot>(_ statement: PreparableStatement, as _: Slot.Type, on connection: PostgresConnection,
                                                     logger: Logger, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        for try await row in try await connection.execute(SlotStatement<Slot>(statement: statement), logger: logger) {
            onRow(DirectPostgresRow(row))
        }
    }

    /// Errors of a statement that may pass once something else changed (SQLSTATE class 42, a
    /// table or column missing or not allowed; 0A, a prepared plan whose result changed). The
    /// connection remembers a failed preparation for good, so such a statement gets a new name.
    private static func mayPassLater(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("42") || state.hasPrefix("0A") || state.hasPrefix("26")
    }

    // MARK: PostgresDatabase

    func send(_ request: any PostgresRequest, logger: Logger) -> EventLoopFuture<Void> {
        basePostgres.send(request, logger: logger)
    }

    func withConnection<T>(_ closure: @escaping (PostgresConnection) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        basePostgres.withConnection(closure)
    }
}
