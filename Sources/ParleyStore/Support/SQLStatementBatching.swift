import SQLKit

/// A database that can run a few statements together: in one transaction and one trip to its
/// connection. SQLite's direct statements (``DirectSQLiteDatabase``) can; the chat turn uses it
/// where PostgreSQL puts statements in one (data-modifying CTEs, which SQLite has not).
public protocol SQLStatementBatching: Sendable {
    /// The rows of each statement, all run in one transaction; nil when the database cannot
    /// batch them now (inside a transaction, or while another holds the connection): the caller
    /// then runs them as it would without batches.
    func batch(_ statements: [any SQLExpression]) async throws -> [[any SQLRow]]?
}
