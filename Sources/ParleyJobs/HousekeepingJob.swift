import Foundation
import Logging
import ParleyCore

/// Platform housekeeping, run as a recurring job (every ten minutes, once across all
/// processes): deletes finished jobs older than
/// `jobs.keep_finished_days`, knowledge changes older than a day, rate counters whose windows have
/// ended and admin sessions that expired or ended over a day ago. Later retention work
/// (transcripts, leads) joins it here.
public struct HousekeepingJob: JobHandler {
    public struct Payload: Codable, Sendable {
        public init() {}
    }

    public static let kind: JobKind = "maintenance.housekeeping"
    public static func recurring(every period: Duration = .seconds(600)) -> RecurringJob {
        RecurringJob(kind: kind, every: period, priority: -1)
    }

    let jobs: any JobStore
    let knowledge: any KnowledgeStore
    let keepFinished: Duration
    let rateCounters: (any RateCounterStore)?
    let adminSessions: (any AdminSessionStore)?

    public init(jobs: any JobStore, knowledge: any KnowledgeStore, keepFinished: Duration,
                rateCounters: (any RateCounterStore)? = nil, adminSessions: (any AdminSessionStore)? = nil) {
        self.rateCounters = rateCounters
        self.adminSessions = adminSessions
        self.jobs = jobs
        self.knowledge = knowledge
        self.keepFinished = keepFinished
    }

    public func run(_ payload: Payload, context: JobContext) async throws {
        let now = Date()
        let jobsPurged = try await jobs.purgeFinished(before: now.addingTimeInterval(-keepFinished.seconds))
        // A process more than a day behind rebuilds its indexes at start anyway.
        let changesPurged = try await knowledge.purgeKnowledgeChanges(before: now.addingTimeInterval(-86_400))
        try await rateCounters?.purgeExpired(before: now)
        let sessionsPurged = try await adminSessions?.purge(expiredBefore: now.addingTimeInterval(-86_400)) ?? 0
        context.logger.info("housekeeping done", metadata: ["event": "housekeeping",
                                                            "jobs_purged": "\(jobsPurged)", "knowledge_changes_purged": "\(changesPurged)",
                                                            "admin_sessions_purged": "\(sessionsPurged)"])
    }
}
