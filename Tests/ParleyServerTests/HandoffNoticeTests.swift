import Fluent
import Foundation
import ParleyCore
@testable import ParleyServer
@testable import ParleyStore
import ParleyTestSupport
import Testing

/// On PostgreSQL a hand-over event's notice leaves with the statement that stores it: heard once
/// on a real `LISTEN`, saying what the bus's own notice said (the stored number, this process as
/// origin, the data, or no data when it might not fit), and the bus then tells only this process.
@Suite("Hand-over notices")
struct HandoffNoticeTests {
    @Test func aStoredEventIsNotifiedOnceByTheStatementThatStoresIt() async throws {
        try await ParleyTestServer.withDemoConversation(listeningTo: PostgresSessionEventBus.channel) { server, demo, session, heard in
            let services = server.app.parley
            let database = server.app.db(.parley)
            let store = services.liveConversations(on: database)
            let bus = services.sessionEvents(on: database)
            let followed = await bus.subscribe(tenant: demo.id, session: session)
            var here = followed.makeAsyncIterator()

            let escalated = try await store.apply(.escalated(.visitorRequest, expectedWait: nil, staffed: true), tenant: demo.id, session: session, at: Date())
            #expect(escalated.toldOtherProcesses)
            await bus.publish(escalated)
            let long = String(repeating: "a long message ", count: 300)
            let message = StoredMessage(id: MessageID(), tenantID: demo.id, sessionID: session, role: .human, content: long, metadata: .object([:]), createdAt: Date())
            let wrote = try await store.apply(.visitorWrote(message), tenant: demo.id, session: session, at: Date())
            await bus.publish(wrote)

            let payloads = try await heard.waitFor(2)
            try await Task.sleep(for: .milliseconds(300))
            #expect(await heard.count == 2, "one notice per event, none from the bus")
            try #require(payloads.count >= 2)
            let notices = try payloads.map { try JSONDecoder().decode(PostgresSessionEventBus.Notice.self, from: Data($0.utf8)) }
            let event = try #require(escalated.events.first)
            #expect(notices[0].origin == services.processID && notices[0].tenant == demo.id.uuid && notices[0].session == session.uuid)
            #expect(notices[0].sequence == event.sequence && notices[0].kind == "escalated")
            #expect(notices[0].data.flatMap { JSONValue.parse(Data($0.utf8)) } == event.data)
            #expect(notices[0].createdAt == Millis.of(event.createdAt))
            #expect(notices[1].sequence == event.sequence + 1 && notices[1].kind == "visitor_message")
            #expect(notices[1].data == nil, "too long for a notice: the receiver reads it from the database")
            // This process's followers still hear both, from the bus.
            #expect(await here.next()?.sequence == event.sequence)
            #expect(await here.next()?.sequence == event.sequence + 1)
        }
    }
}
