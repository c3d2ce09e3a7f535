import Foundation
import Logging
import ParleyCore

/// Work a worker does once per period across all processes (a sweep, a check). Conforming types
/// name their job kind and period; `PeriodicJob` runs them, so each is one type, not two.
public protocol PeriodicWork: Sendable {
    static var jobKind: JobKind { get }
    static var period: Duration { get }
    /// Does one period's work; returns how many things it acted on.
    @discardableResult
    func run(now: Date) async throws -> Int
}

/// The job handler of a `PeriodicWork`, with its recurring declaration.
public struct PeriodicJob<Work: PeriodicWork>: JobHandler {
    public struct Payload: Codable, Sendable {
        public init() {}
    }

    public static var kind: JobKind { Work.jobKind }
    public static var recurring: RecurringJob { RecurringJob(kind: kind, every: Work.period, priority: -1) }

    let work: Work

    public init(_ work: Work) {
        self.work = work
    }

    public func run(_ payload: Payload, context: JobContext) async throws {
        let acted = try await work.run(now: Date())
        if acted > 0 { context.logger.debug("periodic work done", metadata: ["event": "periodic_done", "count": "\(acted)"]) }
    }
}
