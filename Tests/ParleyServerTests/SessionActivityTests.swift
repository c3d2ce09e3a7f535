import Fluent
import Foundation
import ParleyCore
import ParleyServer
@testable import ParleyStore
import ParleyTestSupport
import SQLKit
import Testing

/// A session's activity time follows its messages to within half a minute (migration 028), the
/// summaries' quiet spells follow the visitor's messages exactly, and on PostgreSQL a message is
/// tied to its session within its tenant by one key (migration 029).
@Suite("Session activity and the messages' key")
struct SessionActivityTests {
    /// Writes a message of `session` dated `date` the way the stores write one.
    func insert(_ content: String, at date: Date, tenant: TenantID, session: SessionID, role: MessageRole = .human,
                on sql: any SQLDatabase) async throws {
        let message = StoredMessage(id: MessageID(), tenantID: tenant, sessionID: session, role: role, content: content,
                                    metadata: [:], createdAt: date)
        try await sql.raw(FluentConversationStore.insertion(of: message)).run()
    }

    /// Two tenants with one conversation each ("hello" in acme's, "hi" in the other's).
    struct Conversations {
        let server: ParleyTestServer
        let acme: Tenant
        let other: Tenant
        let sql: any SQLDatabase
        let store: FluentConversationStore
        let session: ChatSession
        let otherSession: ChatSession
    }

    func withConversations(_ backend: TestBackend, _ body: (Conversations) async throws -> Void) async throws {
        try await ParleyTestServer.withTwoTenants(backend) { server, acme, other in
            let database = server.app.db(.parley)
            let store = FluentConversationStore(database: database)
            let (session, _) = try await store.createSession(tenant: acme.id, agentCode: "sales", keyHash: KeyMaterial.hash("acme"),
                                                            firstMessage: NewMessage(role: .human, content: "hello"))
            let (otherSession, _) = try await store.createSession(tenant: other.id, agentCode: "sales", keyHash: KeyMaterial.hash("other"),
                                                                 firstMessage: NewMessage(role: .human, content: "hi"))
            try await body(Conversations(server: server, acme: acme, other: other, sql: try #require(database as? any SQLDatabase),
                                         store: store, session: session, otherSession: otherSession))
        }
    }

    @Test(arguments: TestBackend.available)
    func theActivityTimeMovesOnlyForAMessageHalfAMinuteAfterIt(_ backend: TestBackend) async throws {
        try await withConversations(backend) { c in
            let (sql, store, acme, other, session, otherSession) = (c.sql, c.store, c.acme, c.other, c.session, c.otherSession)
            let start = session.lastActivityAt
            func activity() async throws -> TimeInterval {
                try #require(try await store.session(tenant: acme.id, id: session.id)).lastActivityAt.timeIntervalSince(start)
            }
            let steps: [(sent: TimeInterval, recorded: TimeInterval)] = [
                (10, 0), (29.5, 0),       // within half a minute of the recorded time: left alone
                (31, 31), (45, 31),       // moved, then left again
                (62, 62),                 // 31 s after the recorded time
                (-3_600, 62),             // a message dated earlier never moves it back
                (200, 200),
            ]
            for (index, step) in steps.enumerated() {
                try await insert("m\(index)", at: start.addingTimeInterval(step.sent), tenant: acme.id, session: session.id, on: sql)
                #expect(abs(try await activity() - step.recorded) < 0.001, "after a message at +\(step.sent) s")
            }
            let untouched = try #require(try await store.session(tenant: other.id, id: otherSession.id))
            #expect(abs(untouched.lastActivityAt.timeIntervalSince(otherSession.lastActivityAt)) < 0.001, "another tenant's session is not moved")
        }
    }

    @Test(arguments: TestBackend.available)
    func aQuietSpellIsNamedByTheVisitorsLastMessage(_ backend: TestBackend) async throws {
        try await withConversations(backend) { c in
            let (sql, store, acme, session) = (c.sql, c.store, c.acme, c.session)
            let summaries = FluentSummaryStore(database: c.server.app.db(.parley))
            _ = try await store.createSession(tenant: acme.id, agentCode: "sales", keyHash: KeyMaterial.hash("bot"),
                                                            firstMessage: NewMessage(role: .assistant, content: "Welcome!"))
            let wrote = try #require(try await store.history(tenant: acme.id, session: session.id, limit: 5).first).createdAt
            let window = (from: wrote.addingTimeInterval(-3_600), until: wrote.addingTimeInterval(3_600))
            func quiet() async throws -> [SessionID: Date] {
                let idle = try await summaries.idleWithoutSummary(from: window.from, until: window.until, limit: 50)
                return Dictionary(uniqueKeysWithValues: idle.filter { $0.tenant == acme.id }.map { ($0.session, $0.visitorWroteAt) })
            }
            let before = try await quiet()
            #expect(Set(before.keys) == [session.id], "a conversation whose visitor never wrote has nothing to summarise")
            #expect(abs(try #require(before[session.id]).timeIntervalSince(wrote)) < 0.001)

            // Summarised; then the answer comes a minute later (and moves the activity time): still summarised.
            try await summaries.save(ConversationSummary(sessionID: session.id, text: "Asked hello.", trigger: .inactivity, method: "extractive"),
                                     tenant: acme.id)
            let summarised = Date()
            try await insert("An answer.", at: summarised.addingTimeInterval(60), tenant: acme.id, session: session.id, role: .assistant, on: sql)
            #expect(try await quiet().isEmpty)

            // The visitor writes again: a new spell, named by that message, even within half a minute of the activity time.
            let again = summarised.addingTimeInterval(75)
            try await insert("One more question.", at: again, tenant: acme.id, session: session.id, on: sql)
            let after = try await quiet()
            #expect(abs(try #require(after[session.id]).timeIntervalSince(again)) < 0.001)
        }
    }

    @Test func onPostgreSQLAMessageCannotBeFiledUnderAnotherTenantThanItsSessions() async throws {
        try await withConversations(.postgres) { c in
            let (server, sql, store, acme, other, session, otherSession) = (c.server, c.sql, c.store, c.acme, c.other, c.session, c.otherSession)
            // The key the table has: one, naming both columns.
            let keys = try await sql.raw("""
                SELECT conname FROM pg_constraint WHERE conrelid = 'messages'::regclass AND contype = 'f'
                """).all().map { try $0.decode(column: "conname", as: String.self) }
            #expect(keys == [TieMessagesToTheirSessionsTenant.key])
            let indexes = try await sql.raw("SELECT indexname FROM pg_indexes WHERE tablename = 'messages'").all()
                .map { try $0.decode(column: "indexname", as: String.self) }
            #expect(!indexes.contains("messages_session_created_idx") && indexes.contains("messages_tenant_session_created_idx"), "\(indexes)")

            // Acme's conversation under the other tenant's id (each single-column key accepted it): refused, nothing written.
            let before = try await server.rowCount("messages")
            await #expect(throws: (any Error).self) {
                try await insert("filed wrongly", at: Date(), tenant: other.id, session: session.id, on: sql)
            }
            #expect(try await server.rowCount("messages") == before)
            try await insert("filed right", at: Date(), tenant: acme.id, session: session.id, on: sql)

            // Deleting a conversation takes its messages, and only its own.
            try await sql.raw("DELETE FROM sessions WHERE tenant_id = \(uuid: acme.id.uuid) AND id = \(uuid: session.id.uuid)").run()
            #expect(try await store.history(tenant: acme.id, session: session.id, limit: 50).isEmpty)
            #expect(try await store.history(tenant: other.id, session: otherSession.id, limit: 50).map(\.content) == ["hi"])
            #expect(try await server.rowCount("messages") == 1)
        }
    }

    @Test func theKeyIsAddedOverStoredMessagesAndRefusedOverOneFiledWrongly() async throws {
        try await ParleyTestServer.withTwoTenants(.postgres) { server, acme, other in
            let database = server.app.db(.parley)
            let sql = try #require(database as? any SQLDatabase)
            let store = FluentConversationStore(database: database)
            let migration = TieMessagesToTheirSessionsTenant()
            try await migration.revert(on: database)
            let (session, _) = try await store.createSession(tenant: acme.id, agentCode: "sales", keyHash: KeyMaterial.hash("a3"),
                                                            firstMessage: NewMessage(role: .human, content: "kept"))
            try await migration.prepare(on: database)
            #expect(try await store.history(tenant: acme.id, session: session.id, limit: 5).map(\.content) == ["kept"])

            // A stored message filed under another tenant (possible before the key): the migration
            // fails and leaves the schema as it was, the message and both old keys in place.
            try await migration.revert(on: database)
            try await insert("filed wrongly", at: Date(), tenant: other.id, session: session.id, on: sql)
            await #expect(throws: (any Error).self) { try await migration.prepare(on: database) }
            let keys = try await sql.raw("""
                SELECT conname FROM pg_constraint WHERE conrelid = 'messages'::regclass AND contype = 'f' ORDER BY conname
                """).all().map { try $0.decode(column: "conname", as: String.self) }
            #expect(keys == ["messages_session_id_fkey", "messages_tenant_id_fkey"])
            #expect(try await server.rowCount("messages") == 2)
        }
    }
}
