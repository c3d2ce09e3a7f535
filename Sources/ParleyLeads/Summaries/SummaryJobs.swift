import Foundation
import ParleyCore
import ParleyJobs

/// Summarises one conversation (`summaries.create`): queued by the lead form and by the
/// inactivity sweep, so that a model's slowness never holds up a request.
public struct SummaryJob: JobHandler {
    public struct Payload: Codable, Sendable {
        public var sessionID: SessionID
        public var trigger: ConversationSummary.Trigger
        public var email: Bool

        public init(sessionID: SessionID, trigger: ConversationSummary.Trigger, email: Bool) {
            self.sessionID = sessionID
            self.trigger = trigger
            self.email = email
        }

        enum CodingKeys: String, CodingKey { case sessionID = "session_id", trigger, email }
    }

    public static let kind: JobKind = "summaries.create"
    let summaries: ConversationSummaries

    public init(summaries: ConversationSummaries) {
        self.summaries = summaries
    }

    public func run(_ payload: Payload, context: JobContext) async throws {
        guard let tenant = context.tenantID else { throw PermanentJobFailure("a summary job must name its tenant") }
        let mailing: ConversationSummaries.Mailing = !payload.email ? .never : payload.trigger == .inactivity ? .whenReachable : .always
        do {
            try await summaries.summarize(session: payload.sessionID, tenant: tenant, trigger: payload.trigger, mailing: mailing, logger: context.logger)
        } catch let error as ParleyError where error.kind == .notFound {
            throw PermanentJobFailure("the conversation no longer exists")
        }
    }

    /// The dedupe key that keeps one summary job per conversation, trigger and moment.
    public static func dedupeKey(session: SessionID, trigger: ConversationSummary.Trigger, at marker: String) -> String {
        "\(kind.name):\(session):\(trigger.rawValue):\(marker)"
    }
}

/// Every few minutes, queues a summary of each conversation that went quiet
/// `chat.inactivity_minutes` ago and has none since its last message (`summaries.inactivity`).
public struct InactivitySweep: PeriodicWork {
    public static let jobKind: JobKind = "summaries.inactivity"
    public static let period: Duration = .seconds(120)

    private let summaries: any ConversationSummaryStore
    private let jobs: JobQueue
    private let inactivity: Duration
    /// Conversations idle longer than this were someone else's work (the sweep was down): they
    /// are left alone rather than summarised in one burst after a long outage.
    private let lookback: Duration

    public init(summaries: any ConversationSummaryStore, jobs: JobQueue, inactivity: Duration, lookback: Duration = .seconds(86_400)) {
        self.summaries = summaries
        self.jobs = jobs
        self.inactivity = inactivity
        self.lookback = lookback
    }

    @discardableResult
    public func run(now: Date = Date()) async throws -> Int {
        let until = now.addingTimeInterval(-inactivity.seconds)
        let idle = try await summaries.idleWithoutSummary(from: until.addingTimeInterval(-lookback.seconds), until: until, limit: 200)
        var queued = 0
        for (tenant, session, visitorWroteAt) in idle {
            // One job per quiet spell: the same spell offered by the next sweep has the same key.
            let key = SummaryJob.dedupeKey(session: session, trigger: .inactivity, at: "\(visitorWroteAt.timeIntervalSince1970)")
            if try await jobs.enqueue(SummaryJob.self, .init(sessionID: session, trigger: .inactivity, email: true), tenant: tenant,
                                      priority: -1, dedupeKey: key) != nil { queued += 1 }
        }
        return queued
    }
}
