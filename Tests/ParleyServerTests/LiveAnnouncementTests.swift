import Fluent
import Foundation
import ParleyCore
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing

/// An announcement (an escalation, a visitor's message to a person) is one INSERT of its event:
/// it still refuses another tenant's conversation, and concurrent ones still number their events
/// without gaps.
@Suite("Live announcements in the database")
struct LiveAnnouncementTests {
    @Test(arguments: TestBackend.available)
    func announcementsCheckTheTenantAndNumberEventsWithoutGaps(_ backend: TestBackend) async throws {
        try await ParleyTestServer.withTwoTenants(backend) { server, acme, other in
            let live = SQLLiveConversations(database: server.app.db(.parley))
            let (session, question) = try await server.conversation(of: acme, key: "k", saying: "a person please")

            let escalated = try await live.apply(.escalated(.visitorRequest, expectedWait: .seconds(90), staffed: true),
                                                 tenant: acme.id, session: session.id, at: Date())
            #expect(escalated.events.map(\.sequence) == [1])
            #expect(escalated.events.first?.data["expected_wait_seconds"] == .number(90))

            // Another tenant naming this conversation: refused, nothing written.
            for change in [HandoffChange.escalated(.lowConfidence, expectedWait: nil, staffed: true), .visitorWrote(question)] {
                await #expect(throws: ParleyError.self) { try await live.apply(change, tenant: other.id, session: session.id, at: Date()) }
            }
            await #expect(throws: ParleyError.self) { try await live.apply(.visitorWrote(question), tenant: acme.id, session: SessionID(), at: Date()) }
            #expect(try await live.lastSequence(tenant: acme.id, session: session.id) == 1)

            // Four at once (a writer retries a lost number up to four times): each gets its own number.
            let numbers = try await withThrowingTaskGroup(of: Int64.self) { group in
                for _ in 0 ..< 4 {
                    group.addTask { try await live.apply(.visitorWrote(question), tenant: acme.id, session: session.id, at: Date()).events[0].sequence }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(numbers.sorted() == Array(2 ... 5))
            let stored = try await live.events(tenant: acme.id, session: session.id, after: 0, limit: 100)
            #expect(stored.map(\.sequence) == Array(1 ... 5))
            #expect(stored.dropFirst().allSatisfy { $0.kind == .visitorMessage && $0.data["text"] == "a person please" })
        }
    }
}
