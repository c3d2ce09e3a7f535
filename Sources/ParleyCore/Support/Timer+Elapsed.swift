import Metrics

extension Metrics.Timer {
    /// Records the time from `started` to now (swift-metrics takes nanoseconds, not `Duration`).
    public func recordElapsed(since started: ContinuousClock.Instant) {
        let elapsed = started.duration(to: .now).components
        recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
    }
}
