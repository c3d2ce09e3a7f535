import Foundation
import Logging
import PostgresKit
import PostgresNIO
import ServiceLifecycle

/// Hears what other processes `NOTIFY` on one PostgreSQL channel: one dedicated connection
/// `LISTEN`s and hands each notification's payload to `onNotify`; `onListening` runs each time
/// listening (re)starts, since notifications sent while it was down are lost. A lost connection
/// is re-opened with back-off. Job workers are woken this way (`SQLJobStore.channel`), and
/// conversations' live events cross between processes (`PostgresSessionEventBus.channel`).
public struct PostgresChannelListener: Service {
    private let configuration: PostgresConnection.Configuration
    private let channel: String
    private let onListening: @Sendable () async -> Void
    private let onNotify: @Sendable (String) async -> Void
    private let logger: Logger

    public init(databaseURL: String, channel: String, logger: Logger, onListening: @escaping @Sendable () async -> Void = {},
                onNotify: @escaping @Sendable (String) async -> Void) throws {
        configuration = try SQLPostgresConfiguration(url: databaseURL).coreConfiguration
        self.channel = channel
        self.onListening = onListening
        self.onNotify = onNotify
        self.logger = logger
    }

    /// Wakes this process's idle job workers when another process enqueues a job (or this one
    /// without signalling `origin`, its workers' wake signal, itself). Each of this process's
    /// own enqueues already woke them: hearing it again cost a claim that found nothing.
    public static func jobs(databaseURL: String, origin: String, wake: @escaping @Sendable () -> Void) throws -> PostgresChannelListener {
        try PostgresChannelListener(databaseURL: databaseURL, channel: SQLJobStore.channel, logger: Logger(label: "parley.jobs.listen"),
                                    onListening: { wake() }, onNotify: { payload in
                                        if !SQLJobStore.isNotice(payload, signalling: origin) { wake() }
                                    })
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
                    try await connection.listen(on: channel) { notifications in
                        await onListening()
                        for try await notification in notifications { await onNotify(notification.payload) }
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            } catch {
                if Task.isCancelled { return }
                failures += 1
                logger.warning("notifications interrupted; reconnecting", metadata: ["event": "listen_failed", "channel": "\(channel)", "attempt": "\(failures)"])
                try? await Task.sleep(for: .milliseconds(min(30_000, 250 * (1 << min(failures, 7)))))
            }
        }
    }
}
