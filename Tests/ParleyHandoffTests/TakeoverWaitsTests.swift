import Foundation
import Logging
import ParleyCore
import ParleyHandoff
import Synchronization
import Testing

/// The wait an escalation promises: the median of the tenant's recent takeovers, read once per
/// lifetime per tenant, and not read at all outside business hours.
@Suite("Takeover waits")
struct TakeoverWaitsTests {
    /// Records the escalations announced and counts the reads of the waits.
    actor Desk: LiveConversationStore {
        var waits: [TenantID: [Duration]] = [:]
        var reads: [TenantID: Int] = [:]
        var announced: [Duration?] = []

        func setWaits(_ values: [Duration], for tenant: TenantID) { waits[tenant] = values }

        func apply(_ change: HandoffChange, tenant: TenantID, session: SessionID, at: Date) -> HandoffRecord {
            if case .escalated(_, let expected, _) = change { announced.append(expected) }
            return HandoffRecord(events: [])
        }

        func events(tenant: TenantID, session: SessionID, after sequence: Int64, limit: Int) -> [SessionEvent] { [] }
        func lastSequence(tenant: TenantID, session: SessionID) -> Int64 { 0 }

        func recentWaits(tenant: TenantID, limit: Int) -> [Duration] {
            reads[tenant, default: 0] += 1
            return Array((waits[tenant] ?? []).prefix(limit))
        }
    }

    /// A clock the test moves.
    final class Clock: Sendable {
        private let offset = Mutex(Duration.zero)
        private let start = ContinuousClock.now
        var now: ContinuousClock.Instant { start + offset.withLock { $0 } }
        func advance(_ by: Duration) { offset.withLock { $0 += by } }
    }

    @Test func readsEachTenantsWaitsOncePerLifetime() async throws {
        let desk = Desk(), clock = Clock()
        let a = TenantID(), b = TenantID()
        await desk.setWaits([.seconds(30), .seconds(90), .seconds(60)], for: a)
        await desk.setWaits([.seconds(5)], for: b)
        let waits = TakeoverWaits(lifetime: .seconds(30), now: { clock.now })

        #expect(try await waits.recent(tenant: a, in: desk) == [.seconds(30), .seconds(90), .seconds(60)])
        await desk.setWaits([.seconds(1), .seconds(1), .seconds(1)], for: a)
        #expect(try await waits.recent(tenant: a, in: desk) == [.seconds(30), .seconds(90), .seconds(60)], "kept within its lifetime")
        #expect(try await waits.recent(tenant: b, in: desk) == [.seconds(5)], "each tenant its own")
        #expect(await desk.reads == [a: 1, b: 1])

        clock.advance(.seconds(31))
        #expect(try await waits.recent(tenant: a, in: desk) == [.seconds(1), .seconds(1), .seconds(1)], "read again after it")
        #expect(await desk.reads[a] == 2)
    }

    @Test func escalationPromisesTheMedianOnlyWhenStaffed() async throws {
        let desk = Desk(), tenant = TenantID()
        await desk.setWaits([.seconds(120), .seconds(30), .seconds(60)], for: tenant)
        let handoff = VisitorHandoff(tenant: tenant, store: desk, bus: LocalSessionEventBus(), waits: TakeoverWaits(),
                                     logger: .init(label: "test"))

        await handoff.announceEscalation(SessionID(), reason: .lowConfidence, staffed: false)
        #expect(await desk.reads[tenant] == nil, "no wait is promised outside business hours, so none is read")
        await handoff.announceEscalation(SessionID(), reason: .visitorRequest, staffed: true)
        await handoff.announceEscalation(SessionID(), reason: .visitorRequest, staffed: true)
        #expect(await desk.announced == [nil, .seconds(60), .seconds(60)])
        #expect(await desk.reads[tenant] == 1)
    }
}
