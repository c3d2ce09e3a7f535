import Foundation
import ParleyCore

/// A job declared in code to run every `period` (housekeeping, inactivity sweeps). Every
/// worker process offers the job for the current period under the dedupe key `kind@N`, where N
/// counts periods since 1970, so however many processes run, one job runs per period.
public struct RecurringJob: Sendable {
    public var kind: JobKind
    public var period: Duration
    public var payload: Data
    public var priority: Int

    public init(kind: JobKind, every period: Duration, payload: Data = Data("{}".utf8), priority: Int = 0) {
        self.kind = kind
        self.period = max(period, .seconds(1))
        self.payload = payload
        self.priority = priority
    }

    /// The period `date` falls in, counted from 1970.
    public func periodIndex(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / period.seconds).rounded(.down))
    }

    /// The job for the period `date` falls in.
    public func job(at date: Date) -> NewJob {
        let index = periodIndex(at: date)
        let start = Date(timeIntervalSince1970: Double(index) * period.seconds)
        // A period's job that missed its period (every worker was down) is not worth retrying forever.
        return NewJob(kind: kind, payload: payload, runAt: start, priority: priority, maxAttempts: 3,
                      dedupeKey: "\(kind.name)@\(index)")
    }
}
