import Foundation

/// Polls `condition` every `poll` until it holds or `timeout` passes; returns whether it held.
/// For effects that another task, worker or process brings about in its own time. The default
/// timeout only bounds a test that fails (a condition that holds returns at once): under the
/// whole suite on two slow cores, background jobs have taken more than 20 s. A test that needs
/// a condition to stay false passes its own short timeout.
public func eventually(timeout: Duration = .seconds(60), poll: Duration = .milliseconds(20),
                       _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: poll)
    }
    return try await condition()
}

/// How long `condition` took to hold (nil when it did not within `timeout`).
public func timeUntil(timeout: Duration = .seconds(20), poll: Duration = .milliseconds(20),
                      _ condition: () async throws -> Bool) async throws -> Duration? {
    let started = ContinuousClock.now
    return try await eventually(timeout: timeout, poll: poll, condition) ? started.duration(to: .now) : nil
}
