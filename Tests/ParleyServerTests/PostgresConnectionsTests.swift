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

    /// Forty statements at once, spread over the event loops, run on at most three connections
    /// per loop (their server processes are told apart by their ids).
    @Test func statementsRunOnAtMostTheSetConnections() async throws {
        let backends = Backends()
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
                    group.addTask {
                        let pid = try await sql.raw("SELECT pg_backend_pid() AS pid, pg_sleep(0.05)").first()?.decode(column: "pid", as: Int.self)
                        backends.pids.withLock { _ = $0.insert(pid ?? 0) }
                    }
                }
                try await group.waitForAll()
            }
        }
        let used = backends.pids.withLock { $0 }
        #expect(used.count >= 2, "statements ran side by side")
        #expect(used.count <= 3 * loops, "\(used.count) connections on \(loops) event loops")
        #expect(!used.contains(0))
    }

    /// The server processes the statements ran on.
    final class Backends: Sendable {
        let pids = Mutex(Set<Int>())
    }
}
