import Foundation

/// Counts the answers being streamed right now, so that shutdown can report (and wait for)
/// in-flight streams, and `/health` can show them.
public actor StreamRegistry {
    private var active = 0

    public init() {}

    public var count: Int { active }

    func begin() { active += 1 }

    func end() {
        active -= 1
    }

    /// Returns once no stream is active, or after `timeout`, whichever comes first.
    public func drain(timeout: Duration) async -> Bool {
        if active == 0 { return true }
        let deadline = ContinuousClock.now + timeout
        while active > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        return active == 0
    }
}
