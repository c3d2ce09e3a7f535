import FluentKit
import Logging
import NIOCore
import SQLKit
import SQLiteKit
import SQLiteNIO

/// The process's SQLite database with its SQLKit statements run on ``DirectSQLiteLane`` (the
/// connection's own thread, no event-loop hops) whenever the connection is outside a
/// transaction. Fluent's model queries, schema changes, transactions and the statements of a
/// transaction go through FluentSQLiteDriver as before.
///
/// Statements are the same text with the same binds, encoded and decoded by SQLiteKit's own
/// encoder and decoder, so a row reads the same whichever way it was written or is read.
struct DirectSQLiteDatabase: ForwardingDatabase, SQLDatabase, SQLiteDatabase, SQLStatementBatching {
    let base: any Database
    private let baseSQL: any SQLDatabase
    private let lane: DirectSQLiteLane

    /// nil unless `base` is FluentSQLiteDriver's (SQL and SQLite both).
    init?(wrapping base: any Database, lane: DirectSQLiteLane) {
        guard base is any SQLiteDatabase, let sql = base as? any SQLDatabase else { return nil }
        (self.base, self.baseSQL, self.lane) = (base, sql, lane)
    }

    /// The driver's SQLite side, for what only sqlite-nio offers (custom functions, hooks): rare.
    private var baseSQLite: any SQLiteDatabase { base as! any SQLiteDatabase }

    // MARK: Database (model queries and schema changes: ForwardingDatabase)

    /// The transaction's statements go to its leased connection (its database is the driver's).
    func transaction<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        base.transaction(closure)
    }

    func withConnection<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        base.withConnection(closure)
    }

    // MARK: SQLDatabase

    var version: (any SQLDatabaseReportedVersion)? { baseSQL.version }
    var dialect: any SQLDialect { baseSQL.dialect }
    var queryLogLevel: Logger.Level? { baseSQL.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        guard !inTransaction else { return baseSQL.execute(sql: query, onRow) }
        return eventLoop.makeFutureWithTask { try await execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        guard !inTransaction else { return try await baseSQL.execute(sql: query, onRow) }
        let statement = try serialize(query)
        guard let rows = try await lane.run(statement.sql, binds: statement.binds, identify: identify) else {
            return try await baseSQL.execute(sql: query, onRow)
        }
        for row in rows { onRow(row) }
    }

    /// One trip to the connection's thread and one transaction for all of them; nil inside a
    /// transaction or while another holds the connection (the caller runs them one by one).
    func batch(_ statements: [any SQLExpression]) async throws -> [[any SQLRow]]? {
        guard !inTransaction else { return nil }
        let serialized = try statements.map { try serialize($0) }
        return try await lane.runInTransaction(serialized, identify: identify)
    }

    /// SQLiteKit's default encoder, made once (each holds a `JSONEncoder`).
    private static let encoder = SQLiteDataEncoder()

    /// The statement's text and its binds as SQLiteKit encodes them.
    private func serialize(_ query: any SQLExpression) throws -> (sql: String, binds: [SQLiteData]) {
        var serializer = SQLSerializer(database: self)
        query.serialize(to: &serializer)
        let binds = try serializer.binds.map { try Self.encoder.encode($0) }
        if let level = queryLogLevel {
            logger.log(level: level, "Executing query", metadata: ["sql": .string(serializer.sql), "direct": "true"])
        }
        return (serializer.sql, binds)
    }

    /// The connection's token, asked through the pool (so of the connection the pool leases).
    private func identify() async throws -> Int? {
        try await baseSQL.raw("SELECT \(unsafeRaw: SQLiteConnectionTokens.functionName)() AS token").first()?
            .decode(column: "token", as: Int.self)
    }

    func withSession<R: Sendable>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await baseSQL.withSession(closure)
    }

    // MARK: SQLiteDatabase

    func query(_ query: String, _ binds: [SQLiteData], logger: Logger, _ onRow: @escaping @Sendable (SQLiteRow) -> Void) -> EventLoopFuture<Void> {
        baseSQLite.query(query, binds, logger: logger, onRow)
    }

    func query(_ query: String, _ binds: [SQLiteData], _ onRow: @escaping @Sendable (SQLiteRow) -> Void) async throws {
        try await baseSQLite.query(query, binds, onRow)
    }

    func withConnection<T>(_ closure: @escaping @Sendable (SQLiteConnection) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        baseSQLite.withConnection(closure)
    }

    func withConnection<T>(_ closure: @escaping @Sendable (SQLiteConnection) async throws -> T) async throws -> T {
        try await baseSQLite.withConnection(closure)
    }
}
