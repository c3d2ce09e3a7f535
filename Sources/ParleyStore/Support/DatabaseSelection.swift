import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import ParleyCore
import SQLKit

/// Chooses the database from configuration: PostgreSQL when `DATABASE_URL` is set,
/// otherwise the embedded SQLite file (its folder is created if missing).
public enum DatabaseSelection {
    public enum Kind: String, Sendable { case sqlite, postgres }

    public static func kind(secrets: ParleySecrets) -> Kind {
        secrets.databaseURL == nil ? .sqlite : .postgres
    }

    /// Per-database settings applied once after migrations. SQLite switches to write-ahead
    /// logging, so that readers never wait for a writer (the setting persists in the file), and
    /// to `synchronous=NORMAL` on the process's one connection (``SingleConnectionSQLite``): in WAL
    /// mode a commit then survives a crash of the process but not of the machine's power, with one
    /// `fsync` per checkpoint instead of one per commit (`database.sqlite_synchronous: full`
    /// restores an `fsync` per commit).
    public static func prepare(_ database: any Database, kind: Kind, synchronous: ParleyConfig.DatabaseSection.Synchronous) async throws {
        guard kind == .sqlite, let sql = database as? any SQLDatabase else { return }
        try await sql.raw("PRAGMA journal_mode=WAL").run()
        try await sql.raw(SQLQueryString("PRAGMA synchronous=\(unsafeRaw: synchronous.rawValue.uppercased())")).run()
        // ``SQLiteCheckpointer`` copies the log in the background; this connection only as a bound.
        try await sql.raw(SQLQueryString("PRAGMA wal_autocheckpoint=\(literal: SQLiteCheckpointer.backgroundWALPages)")).run()
    }

    /// `database.pool_timeout_seconds`, between 1 second and 10 minutes.
    static func poolTimeout(_ config: ParleyConfig) -> TimeAmount {
        .milliseconds(Int64(min(max(config.database.poolTimeoutSeconds, 1), 600) * 1000))
    }

    /// `database.postgres_connections_per_loop`, checked.
    static func connectionsPerLoop(_ config: ParleyConfig) throws -> Int {
        let connections = config.database.postgresConnectionsPerLoop
        guard (1 ... 64).contains(connections) else {
            throw ConfigError("database.postgres_connections_per_loop: expected 1 to 64, got \(connections)")
        }
        return connections
    }

    public static func factory(config: ParleyConfig, secrets: ParleySecrets) throws -> DatabaseConfigurationFactory {
        // Checked on SQLite too: a wrong value should not wait for the move to PostgreSQL.
        let connections = try connectionsPerLoop(config)
        if let url = secrets.databaseURL {
            do {
                let configuration = try SQLPostgresConfiguration(url: url)
                let postgres = DatabaseConfigurationFactory.postgres(configuration: configuration,
                                                                     maxConnectionsPerEventLoop: connections,
                                                                     connectionPoolTimeout: poolTimeout(config))
                guard config.database.postgresPreparedStatements else { return postgres }
                return DatabaseConfigurationFactory { PreparedStatementsPostgres(wrapped: postgres.make()) }
            } catch {
                throw ConfigError("DATABASE_URL is not a valid PostgreSQL URL (postgres://user:password@host:port/database)")
            }
        }
        let path = config.database.sqlitePath
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw ConfigError("database.sqlite_path: cannot create folder \(folder)")
            }
        }
        let sqlite = DatabaseConfigurationFactory.sqlite(.file(path), connectionPoolTimeout: poolTimeout(config))
        let direct = config.database.sqliteDirectStatements
        return DatabaseConfigurationFactory { SingleConnectionSQLite(wrapped: sqlite.make(), directStatements: direct) }
    }
}
