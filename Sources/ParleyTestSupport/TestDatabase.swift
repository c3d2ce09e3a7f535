import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Where a test's Parley database lives. Each test gets a fresh one: a new SQLite file in a
/// temporary folder, or a new database on the PostgreSQL server of `PARLEY_TEST_POSTGRES_URL`.
public enum TestBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite, postgres

    /// Every backend: PostgreSQL tests need `PARLEY_TEST_POSTGRES_URL` (the test command starts
    /// a server and sets it), and fail naming it when it is missing rather than drop out.
    public static var available: [TestBackend] { allCases }

    public var description: String { rawValue }
}

/// A fresh, empty database for one test, dropped by `destroy()`.
public struct TestDatabase: Sendable {
    public let backend: TestBackend
    /// A scratch folder for the test (SQLite file, server secret, logs).
    public let folder: String
    /// `DATABASE_URL` for PostgreSQL; nil for SQLite.
    public let url: String?
    private let databaseName: String?

    public var sqlitePath: String { folder + "/parley.sqlite" }

    public static func make(_ backend: TestBackend) async throws -> TestDatabase {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        guard backend == .postgres else {
            return TestDatabase(backend: backend, folder: folder, url: nil, databaseName: nil)
        }
        guard let admin = ProcessInfo.processInfo.environment["PARLEY_TEST_POSTGRES_URL"],
              var components = URLComponents(string: admin) else {
            throw TestDatabaseError("PARLEY_TEST_POSTGRES_URL is not set: run the tests with scripts/test, or start a server with `scripts/postgres start` and export the URL it prints")
        }
        let name = "parley_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try await Self.execute("CREATE DATABASE \(name)", adminURL: admin)
        components.path = "/" + name
        return TestDatabase(backend: backend, folder: folder, url: components.string, databaseName: String(name))
    }

    /// Runs `body` with a fresh database and destroys it afterwards, whatever happens (for tests
    /// that start and stop servers on one database themselves).
    public static func with(_ backend: TestBackend, _ body: (TestDatabase) async throws -> Void) async throws {
        let database = try await make(backend)
        do {
            try await body(database)
        } catch {
            await database.destroy()
            throw error
        }
        await database.destroy()
    }

    public func destroy() async {
        try? FileManager.default.removeItem(atPath: folder)
        if let databaseName, let admin = ProcessInfo.processInfo.environment["PARLEY_TEST_POSTGRES_URL"] {
            try? await Self.execute("DROP DATABASE IF EXISTS \(databaseName) WITH (FORCE)", adminURL: admin)
        }
    }

    static func execute(_ sql: String, adminURL: String) async throws {
        guard let components = URLComponents(string: adminURL), let host = components.host else {
            throw TestDatabaseError("PARLEY_TEST_POSTGRES_URL is malformed")
        }
        let configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: String(components.path.dropFirst()).isEmpty ? "postgres" : String(components.path.dropFirst()),
            tls: .disable)
        let logger = Logger(label: "parley.test.postgres")
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}

public struct TestDatabaseError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
