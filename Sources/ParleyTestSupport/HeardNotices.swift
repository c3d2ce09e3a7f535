import Logging
import ParleyStore
import ServiceLifecycle

/// The payloads a test's `PostgresChannelListener` hears, in order, and whether it listens yet.
public actor HeardNotices {
    private var payloads: [String] = []
    private var isListening = false

    public init() {}

    /// Runs `body` while a real `LISTEN` on `channel` of the database at `url` records what it
    /// hears (the listener is listening when `body` starts, and stopped after it).
    public static func whileListening<T: Sendable>(to channel: String, on url: String,
                                                   _ body: @Sendable (HeardNotices) async throws -> T) async throws -> T {
        let heard = HeardNotices()
        let logger = Logger(label: "parley.test.listen")
        let listener = try PostgresChannelListener(databaseURL: url, channel: channel, logger: logger,
                                                   onListening: { await heard.listening() }, onNotify: { await heard.add($0) })
        let group = ServiceGroup(services: [listener], logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { tasks.cancelAll() }
            try await heard.waitForListening()
            let result = try await body(heard)
            await group.triggerGracefulShutdown()
            return result
        }
    }

    public var count: Int { payloads.count }
    public func listening() { isListening = true }
    public func add(_ payload: String) { payloads.append(payload) }

    public struct NeverListened: Error {}

    /// Waits up to 20 s for the listener's `LISTEN`.
    public func waitForListening() async throws {
        for _ in 0 ..< 1_000 where !isListening { try await Task.sleep(for: .milliseconds(20)) }
        guard isListening else { throw NeverListened() }
    }

    /// Every payload heard, in the order they came, once there are `count` (or after 20 s).
    public func waitFor(_ count: Int) async throws -> [String] {
        for _ in 0 ..< 1_000 where payloads.count < count { try await Task.sleep(for: .milliseconds(20)) }
        return payloads
    }
}
