import Foundation
import Logging
import PostgresKit
import PostgresNIO
import ServiceLifecycle

/// Wakes this process's idle job workers when any process enqueues a job on PostgreSQL: one
/// dedicated connection `LISTEN`s on `SQLJobStore.channel` (the store `NOTIFY`s after each
/// insert), so a job queued by another process starts within milliseconds instead of at the
/// next poll. A lost connection is re-opened with back-off; meanwhile workers still poll.
public struct PostgresJobListener: Service {
    private let configuration: PostgresConnection.Configuration
    private let onNotify: @Sendable () -> Void
    private let logger: Logger

    public init(databaseURL: String, logger: Logger = Logger(label: "parley.jobs.listen"), onNotify: @escaping @Sendable () -> Void) throws {
        configuration = try SQLPostgresConfiguration(url: databaseURL).coreConfiguration
        self.onNotify = onNotify
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await listenUntilCancelled() }
    }

    private func listenUntilCancelled() async {
        var failures = 0
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
                failures = 0
                do {
                    try await connection.listen(on: SQLJobStore.channel) { notifications in
                        onNotify()  // jobs may have been queued while we were not listening
                        for try await _ in notifications { onNotify() }
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            } catch {
                if Task.isCancelled { return }
                failures += 1
                logger.warning("job notifications interrupted; workers poll meanwhile",
                               metadata: ["event": "job_listen_failed", "attempt": "\(failures)"])
                try? await Task.sleep(for: .milliseconds(min(30_000, 250 * (1 << min(failures, 7)))))
            }
        }
    }
}
