import Foundation

/// Failed sign-ins per client address, in this process's memory: after `limit` failures within
/// `window`, that address may not try again until the oldest failure leaves the window. The
/// per-account lock is kept with the account in the database (`AccountDirectory`), so it holds
/// across processes; this one stops one address guessing at many accounts.
public actor LoginThrottle {
    private let limit: Int
    private let window: TimeInterval
    private let capacity: Int
    private var failures: [String: [Date]] = [:]

    public init(limit: Int = 20, window: Duration = .seconds(900), capacity: Int = 100_000) {
        self.limit = limit
        self.window = Double(window.components.seconds)
        self.capacity = capacity
    }

    /// Seconds until `address` may try again, or nil when it may now.
    public func wait(for address: String, now: Date = Date()) -> Int? {
        let recent = (failures[address] ?? []).filter { now.timeIntervalSince($0) < window }
        guard recent.count >= limit, let oldest = recent.first else { return nil }
        return max(1, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
    }

    public func recordFailure(from address: String, now: Date = Date()) {
        if failures.count >= capacity { failures = failures.filter { $0.value.contains { now.timeIntervalSince($0) < window } } }
        if failures.count >= capacity { failures.removeAll() }   // a flood of addresses: forget rather than grow
        var recent = (failures[address] ?? []).filter { now.timeIntervalSince($0) < window }
        recent.append(now)
        failures[address] = Array(recent.suffix(limit))
    }

    public func recordSuccess(from address: String) {
        failures[address] = nil
    }
}
