import Fluent
import Foundation
import NIOCore
import ParleyCore
import ParleyServer
import ParleyStore
import ParleyTestSupport
import SQLKit
import Synchronization
import Testing
import Vapor

/// `database.postgres_connections_per_loop`: how many PostgreSQL connections each event loop opens.
@Suite("PostgreSQL connections per event loop")
struct PostgresConnectionsTests {
    @Test func theSettingLoadsAndAWrongValueIsNamed() throws {
        #expect(ParleyConfig().database.postgresConnectionsPerLoop == 8)
        let loader = ConfigLoader()
        #expect(try loader.build(yaml: "database:\n  postgres_connections_per_loop: 3\n").database.postgresConnectionsPerLoop == 3)
        #expect(try loader.build(yaml: "", environment: ["PARLEY_DATABASE_POSTGRES_CONNECTIONS_PER_LOOP": "12"])
            .database.postgresConnectionsPerLoop == 12)
        for wrong in [0, -1, 65, 10_000] {
            var config = ParleyConfig()
            config.database.postgresConnectionsPerLoop = wrong
            for secrets in [ParleySecrets(), ParleySecrets(databaseURL: "postgres://u@127.0.0.1:1/x")] {
                #expect {
                    _ = try DatabaseSelection.factory(config: config, secrets: secrets)
                } throws: { error in
                    (error as? ConfigError)?.message == "database.postgres_connections_per_loop: expected 1 to 64, got \(wrong)"
                }
            }
        }
        #expect(throws: ConfigError.self) { try loader.build(yaml: "database:\n  postgres_connections_per_loop: many\n") }
    }

    /// Forty statements at once, spread over the event loops, run at most three per loop at a
    /// time; the rest wait their turn.
    @Test func statementsRunOnAtMostTheSetConnections() async throws {
        let watch = Watch()
        var loops = 0
        try await ParleyTestServer.with(.postgres, adjust: { $0.database.postgresConnectionsPerLoop = 3 }) { server in
            let eventLoops = Array(server.app.eventLoopGroup.makeIterator())
            loops = eventLoops.count
            let databases = try eventLoops.map { loop in
                try #require(server.app.databases.database(.parley, logger: server.app.logger, on: loop) as? any SQLDatabase)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0 ..< 40 {
                    let sql = databases[index % databases.count]
                    group.addTask { try await sql.raw("SELECT pg_sleep(0.05)").run() }
                }
                let watcher = Task { [sql = databases[0]] in
                    while !watch.done.withLock({ $0 }) {
                        let running = try await sql.raw("""
                            SELECT count(*) AS n FROM pg_stat_activity
                            WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()
                              AND query = 'SELECT pg_sleep(0.05)'
                            """).first()?.decode(column: "n", as: Int.self) ?? 0
                        watch.most.withLock { $0 = max($0, running) }
                        try await Task.sleep(for: .milliseconds(5))
                    }
                }
                try await group.waitForAll()
                watch.done.withLock { $0 = true }
                try await watcher.value
            }
        }
        let seen = watch.most.withLock { $0 }
        #expect(seen >= 3, "statements ran side by side")
        #expect(seen <= 3 * loops, "\(seen) at once on \(loops) event loops")
    }

    /// The most statements seen running at once, and whether to stop looking.
    final class Watch: Sendable {
        let most = Mutex(0)
        let done = Mutex(false)
    }
}
