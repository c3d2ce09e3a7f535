import Fluent
import Foundation
import ParleyCore
import ParleyJobs
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing

/// PostgreSQL's job notifications: each names the wake signal its enqueue already signalled, so
/// that the enqueuing process's own listener does not wake its worker a second time, while every
/// other process's listener still does.
@Suite("Job notifications")
struct JobNotificationTests {
    @Test func aNoticeIsOwnOnlyWhenItNamesThatOrigin() {
        let origin = JobWakeSignal().origin
        #expect(SQLJobStore.isNotice("leads.extract \(origin)", signalling: origin))
        #expect(!SQLJobStore.isNotice("leads.extract", signalling: origin), "a job enqueued without signalling anyone wakes every listener")
        #expect(!SQLJobStore.isNotice("leads.extract \(JobWakeSignal().origin)", signalling: origin), "another process's job wakes this one")
        #expect(!SQLJobStore.isNotice("", signalling: origin))
        #expect(!SQLJobStore.isNotice("leads.extract \(origin) trailing", signalling: origin))
        #expect(!SQLJobStore.isNotice("leads.extract \(origin.prefix(8))", signalling: origin))
        #expect(JobWakeSignal().origin != origin, "every signal has its own origin")
    }

    /// The notification of a queue's enqueue, heard on a real `LISTEN`, names that queue's wake
    /// signal; a job queued for later (no one is signalled for it) names none; a duplicate sends none.
    @Test func enqueuesNotifyWithTheOriginTheyAlreadySignalled() async throws {
        try await ParleyTestServer.with(.postgres, adjust: { $0.app.seedDemo = false; $0.jobs.inProcessWorker = false }) { server in
            let url = try #require(server.database.url)
            try await HeardNotices.whileListening(to: SQLJobStore.channel, on: url) { heard in
                let store = try SQLJobStore(database: server.app.db(.parley))
                let queue = JobQueue(store: store, wake: JobWakeSignal())
                let other = JobQueue(store: store, wake: JobWakeSignal())
                try await queue.enqueue(ProbeJob.self, .init(key: "now"), dedupeKey: "probe-now")
                try await queue.enqueue(ProbeJob.self, .init(key: "now"), dedupeKey: "probe-now")
                try await queue.enqueue(ProbeJob.self, .init(key: "later"), runAt: Date().addingTimeInterval(3600))
                try await other.enqueue(ProbeJob.self, .init(key: "other"))
                let payloads = try await heard.waitFor(3)
                #expect(payloads == ["\(ProbeJob.kind.name) \(queue.wake.origin)", ProbeJob.kind.name, "\(ProbeJob.kind.name) \(other.wake.origin)"])
                #expect(SQLJobStore.isNotice(payloads[0], signalling: queue.wake.origin))
                #expect(!SQLJobStore.isNotice(payloads[1], signalling: queue.wake.origin))
                #expect(!SQLJobStore.isNotice(payloads[2], signalling: queue.wake.origin))
            }
        }
    }
}
