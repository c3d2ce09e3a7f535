import Foundation
import Logging
import ParleyCore
import ParleyJobs

/// The outbox every feature writes e-mail to, whatever the driver: with `outbox` it keeps them
/// (status `outbox`); with a delivering driver it stores them `queued` and queues their send job
/// (`email.send`). A job that could not be queued is picked up by the sweep (`email.sweep`).
public struct EmailDispatch: EmailOutbox {
    private let outbox: any EmailOutbox
    /// nil: the `outbox` driver (nothing is sent).
    private let jobs: JobQueue?
    private let maxAttempts: Int
    private let logger: Logger

    public init(outbox: any EmailOutbox, jobs: JobQueue?, maxAttempts: Int, logger: Logger = Logger(label: "parley.email")) {
        self.outbox = outbox
        self.jobs = jobs
        self.maxAttempts = max(1, maxAttempts)
        self.logger = logger
    }

    public func queue(_ email: OutgoingEmail, status: EmailStatus) async throws -> EmailID? {
        guard let jobs else { return try await outbox.queue(email, status: .outbox) }
        guard let id = try await outbox.queue(email, status: .queued) else { return nil }
        do {
            try await EmailSweep.enqueue(id, tenant: email.tenantID, on: jobs, maxAttempts: maxAttempts)
        } catch {
            logger.warning("e-mail send job not queued; the sweep will", metadata: ["event": "email_queue_failed", "email_id": "\(id)"])
        }
        return id
    }

    public func hasQueued(kind: String, tenant: TenantID, since: Date) async throws -> Bool {
        try await outbox.hasQueued(kind: kind, tenant: tenant, since: since)
    }

    public func recent(tenant: TenantID, session: SessionID?, limit: Int) async throws -> [QueuedEmail] {
        try await outbox.recent(tenant: tenant, session: session, limit: limit)
    }
}

/// Re-queues the send job of every e-mail left `queued` or `sending` for a while: one whose job
/// could not be queued, or whose job was deleted. The job's dedupe key (`email.send:<id>`) makes
/// this a no-op for e-mails whose job is still waiting or retrying. Runs every five minutes (`email.sweep`).
public struct EmailSweep: PeriodicWork {
    public static let jobKind: JobKind = "email.sweep"
    public static let period: Duration = .seconds(300)

    private let store: any EmailDeliveryStore
    private let jobs: JobQueue
    private let maxAttempts: Int
    private let settle: Duration

    public init(store: any EmailDeliveryStore, jobs: JobQueue, maxAttempts: Int, settle: Duration = .seconds(120)) {
        self.store = store
        self.jobs = jobs
        self.maxAttempts = maxAttempts
        self.settle = settle
    }

    static func enqueue(_ id: EmailID, tenant: TenantID, on jobs: JobQueue, maxAttempts: Int) async throws {
        try await jobs.enqueue(EmailSendJob.self, .init(emailID: id), tenant: tenant, maxAttempts: maxAttempts, dedupeKey: "\(EmailSendJob.kind.name):\(id)")
    }

    /// Returns how many e-mails it looked at.
    @discardableResult
    public func run(now: Date = Date()) async throws -> Int {
        let stale = try await store.undelivered(before: now.addingTimeInterval(-settle.seconds), limit: 500)
        for (tenant, id) in stale {
            try await Self.enqueue(id, tenant: tenant, on: jobs, maxAttempts: maxAttempts)
        }
        return stale.count
    }
}
