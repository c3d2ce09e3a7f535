import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// Rate counters in the database, shared by every process on it (`rate_counters`).
///
/// One request is one transaction with one statement: a multi-row upsert that adds 1 to each
/// of its counters and returns the new counts. If any count passes its limit, the transaction
/// rolls back, so a refused request counts nowhere. On PostgreSQL the upsert locks each
/// counter's row until commit, so concurrent requests from any number of processes are
/// counted one after another and a burst never passes more than the limit; rows are written
/// in key order, so two requests sharing counters cannot deadlock.
public struct SQLRateCounters: RateCounterStore {
    static let table = "rate_counters"

    private let database: any Database

    public init(database: any Database) throws {
        guard database is any SQLDatabase else { throw ParleyError.internalFailure("Rate counters need an SQL database.") }
        self.database = database
    }

    private struct Refused: Error {
        let refusal: RateRefusal
    }

    public func consume(_ counters: [RateCounter], at instant: Date) async throws -> RateRefusal? {
        guard !counters.isEmpty else { return nil }
        let rows = counters.map { counter in
            (counter: counter, start: counter.window.start(of: instant))
        }.sorted { ($0.counter.tenantID.description, $0.counter.key) < ($1.counter.tenantID.description, $1.counter.key) }
        do {
            try await database.transaction { transaction in
                let sql = transaction as! any SQLDatabase
                var values: [SQLQueryString] = []
                for row in rows {
                    values.append("(\(bind: row.counter.tenantID.uuid), \(bind: row.counter.key), \(bind: row.start), 1, \(bind: row.start + row.counter.window.seconds))")
                }
                let counts = try await sql.raw("""
                    INSERT INTO rate_counters (tenant_id, counter_key, window_start, hits, expires_at)
                    VALUES \(SQLList(values.map { $0 as any SQLExpression }))
                    ON CONFLICT (tenant_id, counter_key, window_start) DO UPDATE SET hits = rate_counters.hits + 1
                    RETURNING counter_key, window_start, hits
                    """).all()
                var refusals: [RateRefusal] = []
                for count in counts {
                    let key = try count.decode(column: "counter_key", as: String.self)
                    let hits = try count.decode(column: "hits", as: Int.self)
                    guard let row = rows.first(where: { $0.counter.key == key }), hits > row.counter.limit else { continue }
                    refusals.append(RateRefusal(scope: row.counter.scope, window: row.counter.window, limit: row.counter.limit,
                                                retryAfterSeconds: row.counter.window.secondsLeft(at: instant)))
                }
                if let refusal = RateRefusal.latest(refusals) { throw Refused(refusal: refusal) }
            }
        } catch let refused as Refused {
            return refused.refusal
        }
        return nil
    }

    public func purgeExpired(before instant: Date) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("DELETE FROM rate_counters WHERE expires_at <= \(bind: Int64(instant.timeIntervalSince1970))").run()
    }
}
