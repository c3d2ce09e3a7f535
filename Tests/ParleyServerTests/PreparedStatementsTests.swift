import Fluent
import Foundation
import ParleyCore
import ParleyServer
import ParleyStore
import ParleyTestSupport
import PostgresKit
import SQLKit
import Testing

/// On PostgreSQL, SQLKit statements run prepared once per connection and mean what they meant
/// unnamed; statements whose preparation failed for a reason that passed, or whose name the
/// server forgot, run again under a new name.
@Suite("PostgreSQL prepared statements")
struct PreparedStatementsTests {
    /// What `body` returns, run with SQL on one connection of a test server's database. Check
    /// the result outside: Fluent runs `body` in a task of its own, where a failed expectation
    /// would not name its test.
    func onOneConnection<T: Sendable>(adjust: @Sendable @escaping (inout ParleyConfig) -> Void = { _ in },
                                      _ body: @Sendable @escaping (any SQLDatabase) async throws -> T) async throws -> T {
        var result: T?
        try await ParleyTestServer.with(.postgres, adjust: adjust) { server in
            result = try await server.app.db(.parley).withConnection { connection in
                guard let sql = connection as? any SQLDatabase else { throw ParleyError.internalFailure("no SQL") }
                return try await body(sql)
            }
        }
        return try #require(result)
    }

    /// The statements prepared on this connection, by text, with their names.
    func prepared(on sql: any SQLDatabase) async throws -> [String: [String]] {
        let rows = try await sql.raw("SELECT name, statement FROM pg_prepared_statements").all()
        return try Dictionary(grouping: rows.map { (try $0.decode(column: "statement", as: String.self),
                                                     try $0.decode(column: "name", as: String.self)) },
                              by: \.0).mapValues { $0.map(\.1) }
    }

    @Test func aStatementIsPreparedOnceOnItsConnectionAndAnswersAsUnnamed() async throws {
        let when = Date(timeIntervalSince1970: 1_790_000_000.25)
        let texts = ["a", "'; DROP TABLE messages; --", "ü € 😀"]
        let (rows, names, messages) = try await onOneConnection { sql in
            var rows: [Echo] = []
            for text in texts {
                rows += try await sql.raw("""
                    SELECT \(bind: text)::text AS echo, \(bind: 42) AS n, \(bind: UUID()) AS id, \(bind: when) AS at
                    """).all().map { row -> Echo in
                        Echo(echo: try row.decode(column: "echo", as: String.self), n: try row.decode(column: "n", as: Int.self),
                             id: try row.decode(column: "id", as: UUID.self), at: try row.decode(column: "at", as: Date.self))
                    }
            }
            let messages = try await sql.raw("SELECT count(*) AS n FROM messages").first()?.decode(column: "n", as: Int.self)
            return (rows, try await prepared(on: sql)["SELECT $1::text AS echo, $2 AS n, $3 AS id, $4 AS at"] ?? [], messages)
        }
        #expect(rows.map { $0.echo } == texts)
        #expect(rows.allSatisfy { $0.n == 42 && $0.at == when })
        #expect(Set(rows.map { $0.id }).count == 3)
        #expect(names.count == 1, "prepared once for three runs")
        #expect(names.allSatisfy { $0.hasPrefix("parley_") })
        #expect(messages == 0)
    }

    struct Echo: Sendable {
        let echo: String, n: Int, id: UUID, at: Date
    }

    /// A prepared statement's binds encode, and its row decodes ids, texts, counts, times and flags
    /// itself (everything else is left to PostgresKit): each value as PostgresKit's own gives it.
    @Test func aPreparedRowDecodesEveryColumnAsPostgresKitDoes() async throws {
        let id = UUID(), when = Date(timeIntervalSince1970: 1_790_000_000.5)
        let statement: SQLQueryString = """
            SELECT \(bind: id) AS id, NULL::uuid AS no_id, \(bind: "ü €") AS t, NULL::text AS no_t, \(bind: Optional("v"))::varchar AS v,
                   7::int2 AS i2, 8::int4 AS i4, \(bind: Int64(9)) AS i8, NULL::int8 AS no_i, \(bind: when) AS at, \(bind: true) AS b,
                   NULL::bool AS no_b, '{"a": 1}'::jsonb AS j, 2.5::numeric AS num, \(bind: 1.25) AS f, 'sales'::text AS kind
            """
        let rows = try await onOneConnection { sql in
            let postgres = try #require(sql as? any PostgresDatabase)
            return RowPair(prepared: try #require(try await sql.raw(statement).first()),
                           unnamed: try #require(try await postgres.sql().raw(statement).first()))
        }
        #expect(try rows.value("id", UUID.self) == id && rows.value("no_id", UUID?.self) == .some(nil))
        #expect(try rows.value("t", String.self) == "ü €" && rows.value("no_t", String?.self) == .some(nil))
        #expect(try rows.value("v", String.self) == "v" && rows.value("i2", Int.self) == 7)
        #expect(try rows.value("i4", Int64.self) == 8 && rows.value("i8", Int64.self) == 9 && rows.value("no_i", Int64?.self) == .some(nil))
        #expect(try rows.value("at", Date.self) == when && rows.value("b", Bool.self) == true && rows.value("no_b", Bool?.self) == .some(nil))
        #expect(try rows.value("j", RowPair.Payload.self) == .init(a: 1) && rows.value("num", Double.self) == 2.5)
        #expect(try rows.value("f", Double.self) == 1.25 && rows.value("kind", RowPair.Kind.self) == .sales)
        // What neither decodes: a text as an id, a NULL as a text, a count as a flag, a missing column.
        #expect(try rows.value("t", UUID.self) == nil && rows.value("no_t", String.self) == nil)
        #expect(try rows.value("i8", Bool.self) == nil && rows.value("missing", Int64.self) == nil)
    }

    /// A row of one statement run prepared and run unnamed by PostgresKit.
    struct RowPair: Sendable {
        struct Payload: Codable, Equatable { var a: Int }
        enum Kind: String, Codable { case sales, support }
        let prepared: any SQLRow
        let unnamed: any SQLRow

        struct Disagreement: Error { let column: String }

        /// The column's value as both rows decode it (nil when neither can); throws when they differ.
        func value<T: Decodable & Equatable>(_ column: String, _: T.Type) throws -> T? {
            let mine = try? prepared.decode(column: column, as: T.self)
            guard mine == (try? unnamed.decode(column: column, as: T.self)) else { throw Disagreement(column: column) }
            return mine
        }
    }

    @Test func aNullAndAValueOfOneParameterRunAsOneStatement() async throws {
        let values: [String?] = [nil, "x", nil]
        let (missing, names) = try await onOneConnection { sql in
            var missing: [Bool] = []
            for value in values {
                missing += try await sql.raw("SELECT \(bind: value)::text IS NULL AS missing").all().map { try $0.decode(column: "missing", as: Bool.self) }
            }
            return (missing, try await prepared(on: sql)["SELECT $1::text IS NULL AS missing"] ?? [])
        }
        #expect(missing == [true, false, true])
        #expect(names.count == 1, "PostgresKit sends a nil String as a NULL of type text, and so does the prepared statement")
    }

    @Test func aStatementThatFailedBeforeItsTableExistedRunsOnceItExists() async throws {
        let (failedFirst, count) = try await onOneConnection { sql in
            let count: SQLQueryString = "SELECT count(*) AS n FROM prepared_probe WHERE tag = \(bind: "t")"
            let failedFirst = (try? await sql.raw(count).all()) == nil
            try await sql.raw("CREATE TABLE prepared_probe (tag text)").run()
            try await sql.raw("INSERT INTO prepared_probe (tag) VALUES (\(bind: "t"))").run()
            return (failedFirst, try await sql.raw(count).first()?.decode(column: "n", as: Int.self))
        }
        #expect(failedFirst)
        #expect(count == 1)
    }

    @Test func aStatementWhoseNameTheServerForgotRunsUnderANewName() async throws {
        let (answers, before, after) = try await onOneConnection { sql in
            let echo: SQLQueryString = "SELECT \(bind: "again")::text AS echo"
            var answers = try await sql.raw(echo).all().map { try $0.decode(column: "echo", as: String.self) }
            let before = try await prepared(on: sql)["SELECT $1::text AS echo"] ?? []
            try await sql.raw("DISCARD ALL").run()
            answers += try await sql.raw(echo).all().map { try $0.decode(column: "echo", as: String.self) }
            return (answers, before, try await prepared(on: sql)["SELECT $1::text AS echo"] ?? [])
        }
        #expect(answers == ["again", "again"])
        #expect(before.count == 1 && after.count == 1 && after != before)
    }

    /// A statement with a value written into its text would take a new name on every call, until
    /// the database's budget of names was spent; the job queue's completion once did that.
    @Test func completingJobsRunsOneStatement() async throws {
        let (completed, texts) = try await onOneConnection { sql in
            let jobs = try SQLJobStore(database: try #require(sql as? any Database))
            var completed = 0
            for _ in 1...3 {
                _ = try await jobs.enqueue(NewJob(kind: "probe"))
                for lease in try await jobs.claim(JobClaim(slots: ["probe": 1], worker: "w", leaseDuration: .seconds(30))) {
                    completed += try await jobs.complete(lease, now: Date()) ? 1 : 0
                }
            }
            return (completed, try await prepared(on: sql).keys.filter { $0.contains("state = 'succeeded'") })
        }
        #expect(completed == 3)
        #expect(texts.count == 1)
    }

    @Test func preparedWritesInsideATransactionRollBackWithIt() async throws {
        try await ParleyTestServer.with(.postgres) { server in
            let database = server.app.db(.parley)
            let sql = try #require(database as? any SQLDatabase)
            try await sql.raw("CREATE TABLE prepared_probe (tag text)").run()
            struct Refused: Error {}
            await #expect(throws: Refused.self) {
                try await database.transaction { transaction in
                    try await #require(transaction as? any SQLDatabase).raw("INSERT INTO prepared_probe (tag) VALUES (\(bind: "gone"))").run()
                    throw Refused()
                }
            }
            try await database.transaction { transaction in
                try await #require(transaction as? any SQLDatabase).raw("INSERT INTO prepared_probe (tag) VALUES (\(bind: "kept"))").run()
            }
            let tags = try await sql.raw("SELECT tag FROM prepared_probe").all().map { try $0.decode(column: "tag", as: String.self) }
            #expect(tags == ["kept"])
        }
    }

    @Test func turnedOffStatementsRunUnnamed() async throws {
        let (echo, prepared) = try await onOneConnection(adjust: { $0.database.postgresPreparedStatements = false }) {
            (sql: any SQLDatabase) async throws -> ([String], [String: [String]]) in
            let echo = try await sql.raw("SELECT \(bind: "x")::text AS echo").all().map { try $0.decode(column: "echo", as: String.self) }
            return (echo, try await self.prepared(on: sql))
        }
        #expect(echo == ["x"])
        #expect(prepared.isEmpty)
    }
}
