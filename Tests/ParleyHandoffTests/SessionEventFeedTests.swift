import Foundation
import ParleyCore
import ParleyHandoff
import Testing

/// The resumable feed on a store whose events the test writes, and the in-process bus.
@Suite("Session event feed")
struct SessionEventFeedTests {
    /// Stored events only; what the feed reads.
    actor EventShelf: LiveConversationStore {
        var stored: [SessionEvent] = []

        func put(_ event: SessionEvent) { stored.append(event) }

        nonisolated func apply(_ change: HandoffChange, tenant: TenantID, session: SessionID, at: Date) async throws -> HandoffRecord {
            HandoffRecord(events: [])
        }

        func events(tenant: TenantID, session: SessionID, after sequence: Int64, limit: Int) -> [SessionEvent] {
            Array(stored.filter { $0.tenantID == tenant && $0.sessionID == session && $0.sequence > sequence }.prefix(limit))
        }

        func lastSequence(tenant: TenantID, session: SessionID) -> Int64 { stored.last?.sequence ?? 0 }

        nonisolated func recentWaits(tenant: TenantID, limit: Int) async throws -> [Duration] { [] }
    }

    let tenant = TenantID()
    let session = SessionID()

    func event(_ sequence: Int64, _ kind: SessionEventKind = .operatorMessage, text: String = "") -> SessionEvent {
        SessionEvent(tenantID: tenant, sessionID: session, sequence: sequence, kind: kind, data: ["text": .string(text)], createdAt: Date())
    }

    @Test func resumesAfterTheLastSeenEventAndFillsGapsWithoutRepeating() async throws {
        let shelf = EventShelf()
        let bus = LocalSessionEventBus()
        for sequence: Int64 in 1 ... 3 { await shelf.put(event(sequence, text: "m\(sequence)")) }
        let feed = SessionEventFeed(store: shelf, bus: bus, recheck: .seconds(60))
            .follow(tenant: tenant, session: session, after: 1, audience: .visitor)
        var received = feed.makeAsyncIterator()
        #expect(await received.next()?.sequence == 2)
        #expect(await received.next()?.sequence == 3)
        // Event 4's notice is lost; 5's arrives: the feed reads 4 and 5 from the store, in order.
        await shelf.put(event(4, text: "m4"))
        await shelf.put(event(5, text: "m5"))
        await waitForSubscriber(bus)
        await bus.publish(event(5, text: "m5"))
        #expect(await received.next()?.sequence == 4)
        #expect(await received.next()?.sequence == 5)
        // A repeated notice is not delivered twice; the visitor never sees notes or their own typing.
        await bus.publish(event(5, text: "m5"))
        await shelf.put(event(6, .note, text: "internal"))
        await bus.publish(event(6, .note, text: "internal"))
        await bus.publish(SessionEvent(tenantID: tenant, sessionID: session, kind: .typing, data: ["who": "visitor"], createdAt: Date()))
        await bus.publish(SessionEvent(tenantID: tenant, sessionID: session, kind: .typing, data: ["who": "operator"], createdAt: Date()))
        let typing = await received.next()
        #expect(typing?.kind == .typing && typing?.data["who"] == "operator")
        await shelf.put(event(7, text: "m7"))
        await bus.publish(event(7, text: "m7"))
        #expect(await received.next()?.data["text"] == "m7")
        // Another tenant's events with the same conversation id never arrive; shutting the bus down ends the feed.
        await bus.publish(SessionEvent(tenantID: TenantID(), sessionID: session, sequence: 8, kind: .operatorMessage, data: ["text": "x"], createdAt: Date()))
        await bus.shutdown()
        #expect(await received.next() == nil)
    }

    @Test func aPeriodicRecheckDeliversEventsWhoseNoticeWasLost() async throws {
        let shelf = EventShelf()
        let bus = LocalSessionEventBus()
        let feed = SessionEventFeed(store: shelf, bus: bus, recheck: .milliseconds(50))
            .follow(tenant: tenant, session: session, after: 0, audience: .operators)
        var received = feed.makeAsyncIterator()
        await shelf.put(event(1, .note, text: "no notice"))
        #expect(await received.next()?.data["text"] == "no notice")
        await bus.shutdown()
    }

    /// The feed subscribes in its own task; publishing before that would reach nobody.
    func waitForSubscriber(_ bus: LocalSessionEventBus) async {
        for _ in 0 ..< 200 where await bus.subscriptionCount == 0 {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}
