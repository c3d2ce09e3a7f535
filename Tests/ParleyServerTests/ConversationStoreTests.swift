import Fluent
import Foundation
import ParleyChat
import ParleyCore
import ParleyServer
import ParleyStore
import ParleyTestSupport
import SQLKit
import Testing

/// The chat turn's statements in the real databases: an append is one statement that checks
/// the session's tenant and (by trigger) moves its activity time (to within half a minute:
/// SessionActivityTests); the history window comes before its anchor; a stream ticket is
/// redeemed once, and only by its tenant.
@Suite("Conversations in the database")
struct ConversationStoreTests {
    @Test(arguments: TestBackend.available)
    func appendsChecksTenantsMoveActivityAndReadWindows(_ backend: TestBackend) async throws {
        try await ParleyTestServer.withTwoTenants(backend) { server, acme, other in
            let store = FluentConversationStore(database: server.app.db(.parley))
            let (session, first) = try await store.createSession(tenant: acme.id, agentCode: "sales", keyHash: KeyMaterial.hash("k1"),
                                                                firstMessage: NewMessage(role: .human, content: "m0"))
            var messages = [first]
            for index in 1...5 {
                try await Task.sleep(for: .milliseconds(5))
                messages.append(try await store.append(tenant: acme.id, session: session.id,
                                                       message: NewMessage(role: index.isMultiple(of: 2) ? .human : .assistant, content: "m\(index)",
                                                                           metadata: ["citations": [["title": .string("T\(index)")]]])))
            }
            let touched = try #require(try await store.session(tenant: acme.id, keyHash: KeyMaterial.hash("k1")))
            // Within half a minute of the recorded activity, messages leave it (SessionActivityTests).
            #expect(abs(touched.lastActivityAt.timeIntervalSince(session.lastActivityAt)) < 0.001)

            // Another tenant's id for the session: refused, nothing written, the session untouched.
            await #expect(throws: ParleyError.self) {
                try await store.append(tenant: other.id, session: session.id, message: NewMessage(role: .human, content: "spy"))
            }
            #expect(try await store.history(tenant: acme.id, session: session.id, limit: 50).map(\.content) == (0...5).map { "m\($0)" })
            #expect(try await store.session(tenant: other.id, keyHash: KeyMaterial.hash("k1")) == nil)
            #expect(try await store.message(tenant: other.id, id: messages[3].id) == nil)

            let window = try await store.recentMessages(tenant: acme.id, session: session.id, limit: 2, before: messages[4].id)
            #expect(window.map(\.content) == ["m2", "m3"], "the two before the anchor, oldest first")
            #expect(window.last?.metadata["citations"]?.arrayValue?.first?["title"]?.stringValue == "T3")
            let turns = try await store.recentTurns(tenant: acme.id, session: session.id, limit: 2, before: messages[4].id)
            #expect(turns.map(\.content) == ["m2", "m3"] && turns.map(\.role) == [.human, .assistant])
            #expect(turns.allSatisfy { $0.metadata == .object([:]) }, "the prompt's window reads no metadata")
            let turn = try #require(try await store.turnWindow(tenant: acme.id, session: session.id, question: messages[4].id, limit: 3))
            #expect(turn.question.content == "m4" && turn.history.map(\.content) == ["m1", "m2", "m3"], "one read: the question and the three before it")
            #expect(try await store.turnWindow(tenant: acme.id, session: session.id, question: messages[0].id, limit: 3)?.history.isEmpty == true)
            #expect(try await store.turnWindow(tenant: other.id, session: session.id, question: messages[4].id, limit: 3) == nil)
            #expect(try await store.turnWindow(tenant: acme.id, session: SessionID(), question: messages[4].id, limit: 3) == nil)


            #expect(try await store.recentMessages(tenant: acme.id, session: session.id, limit: 3, before: nil).map(\.content) == ["m3", "m4", "m5"])
            #expect(try await store.recentMessages(tenant: acme.id, session: session.id, limit: 3, before: MessageID()).isEmpty)
            #expect(try await store.recentMessages(tenant: other.id, session: session.id, limit: 3, before: messages[4].id).isEmpty)

            // Four messages stored in one instant, more than the single read makes room for: the
            // window is read again in two statements, and still holds the three before that instant.
            let instant = Date()
            var ties: [UUID] = []
            for index in 1...4 {
                let id = UUID()
                ties.append(id)
                try await (server.app.db(.parley) as! any SQLDatabase).raw("""
                    INSERT INTO messages (id, tenant_id, session_id, role, content, metadata, created_at)
                    VALUES (\(bind: id), \(bind: acme.id.uuid), \(bind: session.id.uuid), 'human', \(bind: "t\(index)"), '{}', \(bind: instant))
                    """).run()
            }
            let tied = try #require(try await store.turnWindow(tenant: acme.id, session: session.id, question: MessageID(ties[3]), limit: 3))
            #expect(tied.question.content == "t4" && tied.history.map(\.content) == ["m3", "m4", "m5"])
        }
    }

    @Test(arguments: TestBackend.available)
    func aVisitorsMessageIsRedeemedOnceByItsTenant(_ backend: TestBackend) async throws {
        try await ParleyTestServer.withTwoTenants(backend) { server, acme, other in
            let database = server.app.db(.parley)
            let conversations = FluentConversationStore(database: database)
            let (session, question) = try await conversations.createSession(
                tenant: acme.id, agentCode: "sales", keyHash: KeyMaterial.hash("k2"), firstMessage: NewMessage(role: .human, content: "hi"))
            let answer = try await conversations.append(tenant: acme.id, session: session.id, message: NewMessage(role: .assistant, content: "hello"))
            let tickets = FluentStreamTicketStore(database: database)
            #expect(try await tickets.redeem(tenant: other.id, message: question.id, at: Date()) == nil, "not another tenant's")
            #expect(try await tickets.redeem(tenant: acme.id, message: answer.id, at: Date()) == nil, "only a visitor's message")
            #expect(try await tickets.redeem(tenant: acme.id, message: MessageID(), at: Date()) == nil, "unknown")
            let redeemed = try #require(try await tickets.redeem(tenant: acme.id, message: question.id, at: Date()))
            #expect(redeemed.sessionID == session.id && redeemed.messageID == question.id && redeemed.agentCode == "sales")
            #expect(redeemed.heldBy == nil && !redeemed.escalated)
            #expect(try await tickets.redeem(tenant: acme.id, message: question.id, at: Date()) == nil, "once")

            // Many GETs at once with the same id: exactly one wins.
            let next = try await conversations.append(tenant: acme.id, session: session.id, message: NewMessage(role: .human, content: "again"))
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0 ..< 8 { group.addTask { try await tickets.redeem(tenant: acme.id, message: next.id, at: Date()) != nil } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(winners == 1)

            // An open escalation is reported with the message.
            let escalations = SQLEscalations(database: database)
            _ = try await escalations.open(Escalation(tenantID: acme.id, sessionID: session.id, reason: .visitorRequest, messageID: next.id,
                                                      confidence: nil, createdAt: Date()))
            let third = try await conversations.append(tenant: acme.id, session: session.id, message: NewMessage(role: .human, content: "hello?"))
            let waiting = try #require(try await tickets.redeem(tenant: acme.id, message: third.id, at: Date()))
            #expect(waiting.escalated && waiting.heldBy == nil, "open, not yet taken over")

            // Once a person takes it over, the ticket names them (a name with spaces, read whole).
            let person = OperatorIdentity(id: AdminUserID(), name: "Ada de la Cruz")
            _ = try await SQLLiveConversations(database: database).apply(.takeOver(person), tenant: acme.id, session: session.id, at: Date())
            let fourth = try await conversations.append(tenant: acme.id, session: session.id, message: NewMessage(role: .human, content: "Ada?"))
            let held = try #require(try await tickets.redeem(tenant: acme.id, message: fourth.id, at: Date()))
            #expect(held.escalated && held.heldBy == person)
        }
    }

    /// On PostgreSQL one statement, on SQLite two: the same ticket and window either way.
    @Test(arguments: TestBackend.available)
    func redeemingReadsTheTurnsWindowOnceForItsTenant(_ backend: TestBackend) async throws {
        try await ParleyTestServer.withTwoTenants(backend) { server, acme, other in
            let database = server.app.db(.parley)
            let conversations = FluentConversationStore(database: database)
            let tickets = FluentStreamTicketStore(database: database)
            let (session, first) = try await conversations.createSession(
                tenant: acme.id, agentCode: "sales", keyHash: KeyMaterial.hash("k4"), firstMessage: NewMessage(role: .human, content: "m0"))
            var messages = [first]
            for index in 1...4 {
                try await Task.sleep(for: .milliseconds(5))
                messages.append(try await conversations.append(tenant: acme.id, session: session.id,
                                                               message: NewMessage(role: index.isMultiple(of: 2) ? .human : .assistant, content: "m\(index)")))
            }
            func redeem(_ tenant: TenantID, _ message: MessageID, limit: Int) async throws -> (StreamTicket, TurnWindow?)? {
                try await tickets.redeem(tenant: tenant, message: message, at: Date(), readingWindow: limit, of: conversations)
            }
            #expect(try await redeem(other.id, messages[4].id, limit: 2) == nil, "not another tenant's")
            #expect(try await redeem(acme.id, messages[3].id, limit: 2) == nil, "only a visitor's message")
            let (ticket, window) = try #require(try await redeem(acme.id, messages[4].id, limit: 2))
            #expect(ticket.sessionID == session.id && ticket.messageID == messages[4].id && ticket.agentCode == "sales" && !ticket.escalated)
            #expect(window?.question.content == "m4" && window?.history.map(\.content) == ["m2", "m3"])
            #expect(try await redeem(acme.id, messages[4].id, limit: 2) == nil, "once")
            #expect(try await redeem(acme.id, messages[2].id, limit: 0)?.1?.history.isEmpty == true)

            // More messages in the question's instant than the one read has room for: the window
            // is read again, and still holds the three before that instant.
            let instant = Date()
            var ties: [UUID] = []
            for index in 1...4 {
                ties.append(UUID())
                try await (database as! any SQLDatabase).raw("""
                    INSERT INTO messages (id, tenant_id, session_id, role, content, metadata, created_at)
                    VALUES (\(bind: ties[index - 1]), \(bind: acme.id.uuid), \(bind: session.id.uuid), 'human', \(bind: "t\(index)"), '{}', \(bind: instant))
                    """).run()
            }
            let tied = try #require(try await redeem(acme.id, MessageID(ties[3]), limit: 3)?.1)
            #expect(tied.question.content == "t4" && tied.history.map(\.content) == ["m2", "m3", "m4"])
        }
    }

    @Test(arguments: TestBackend.available)
    func aMessageIsAppendedByItsSessionsKeyOnlyToThatTenantsAndAgentsSession(_ backend: TestBackend) async throws {
        try await ParleyTestServer.withTwoTenants(backend) { server, acme, other in
            let database = server.app.db(.parley)
            let store = FluentConversationStore(database: database)
            let key = KeyMaterial.hash("k3")
            let (session, _) = try await store.createSession(tenant: acme.id, agentCode: "sales", keyHash: key,
                                                            firstMessage: NewMessage(role: .human, content: "first"))
            try await Task.sleep(for: .milliseconds(5))
            let (found, message) = try #require(try await store.append(tenant: acme.id, keyHash: key, agentCode: "sales",
                                                                      message: NewMessage(role: .human, content: "second")))
            #expect(found.id == session.id && found.agentCode == "sales" && found.heldBy == nil)
            #expect(abs(found.createdAt.timeIntervalSince(session.createdAt)) < 0.001)
            #expect(try await store.message(tenant: acme.id, id: message.id)?.content == "second")
            let touched = try #require(try await store.session(tenant: acme.id, keyHash: key))
            #expect(abs(touched.lastActivityAt.timeIntervalSince(session.lastActivityAt)) < 0.001, "a message within half a minute leaves the activity time")

            // Another agent's, another tenant's or an unknown key: nothing found, nothing written.
            #expect(try await store.append(tenant: acme.id, keyHash: key, agentCode: "support", message: NewMessage(role: .human, content: "x")) == nil)
            #expect(try await store.append(tenant: other.id, keyHash: key, agentCode: "sales", message: NewMessage(role: .human, content: "x")) == nil)
            #expect(try await store.append(tenant: acme.id, keyHash: KeyMaterial.hash("nope"), agentCode: "sales",
                                           message: NewMessage(role: .human, content: "x")) == nil)
            #expect(try await store.history(tenant: acme.id, session: session.id, limit: 10).map(\.content) == ["first", "second"])

            // A person who took the conversation over comes back with the message.
            let ada = OperatorIdentity(id: AdminUserID(), name: "Ada de la Cruz")
            _ = try await SQLLiveConversations(database: database).apply(.takeOver(ada), tenant: acme.id, session: session.id, at: Date())
            let held = try #require(try await store.append(tenant: acme.id, keyHash: key, agentCode: "sales", message: NewMessage(role: .human, content: "hi Ada")))
            #expect(held.0.heldBy == ada)
        }
    }

    /// A message posted by its session key with the history before it, in one statement on
    /// PostgreSQL and one batch on SQLite: what a turn started at the POST answers from.
    @Test(arguments: TestBackend.available)
    func aKeyedAppendReadsTheHistoryBeforeItsMessage(_ backend: TestBackend) async throws {
        try await ParleyTestServer.withTwoTenants(backend) { server, acme, other in
            let store = FluentConversationStore(database: server.app.db(.parley))
            let key = KeyMaterial.hash("k-windowed")
            let (session, _) = try await store.createSession(tenant: acme.id, agentCode: "sales", keyHash: key,
                                                             firstMessage: NewMessage(role: .human, content: "m0"))
            // The first message after the opening one: the history is the opening message alone.
            let (sameSession, m1, firstHistory) = try #require(try await store.append(
                tenant: acme.id, keyHash: key, agentCode: "sales", message: NewMessage(role: .human, content: "m1"), historyLimit: 3))
            #expect(sameSession.id == session.id && m1.sessionID == session.id)
            #expect(firstHistory.map(\.content) == ["m0"])
            for index in 2...4 {
                try await Task.sleep(for: .milliseconds(5))
                _ = try await store.append(tenant: acme.id, session: session.id,
                                           message: NewMessage(role: index.isMultiple(of: 2) ? .assistant : .human, content: "m\(index)"))
            }
            try await Task.sleep(for: .milliseconds(5))
            let (_, m5, history) = try #require(try await store.append(
                tenant: acme.id, keyHash: key, agentCode: "sales", message: NewMessage(role: .human, content: "m5"), historyLimit: 3))
            #expect(history.map(\.content) == ["m2", "m3", "m4"], "the three before it, oldest first, not the new one")
            #expect(history.map(\.role) == [.assistant, .human, .assistant])
            #expect(try await store.message(tenant: acme.id, id: m5.id)?.content == "m5")
            let (_, _, none) = try #require(try await store.append(
                tenant: acme.id, keyHash: key, agentCode: "sales", message: NewMessage(role: .human, content: "m6"), historyLimit: 0))
            #expect(none.isEmpty)

            // Another tenant, another agent or an unknown key: nothing written, nothing read.
            let before = try await server.rowCount("messages")
            #expect(try await store.append(tenant: other.id, keyHash: key, agentCode: "sales", message: NewMessage(role: .human, content: "spy"),
                                           historyLimit: 3) == nil)
            #expect(try await store.append(tenant: acme.id, keyHash: key, agentCode: "support", message: NewMessage(role: .human, content: "spy"),
                                           historyLimit: 3) == nil)
            #expect(try await store.append(tenant: acme.id, keyHash: KeyMaterial.hash("nope"), agentCode: "sales",
                                           message: NewMessage(role: .human, content: "spy"), historyLimit: 3) == nil)
            #expect(try await server.rowCount("messages") == before)
        }
    }

    /// A conversation's window is one backward scan of `(tenant_id, session_id, created_at)`,
    /// with no sort, before the database has any statistics: with an index per column,
    /// PostgreSQL intersected them and read every message of the tenant on every turn.
    @Test(arguments: TestBackend.available)
    func aWindowIsOneIndexScanWithoutStatistics(_ backend: TestBackend) async throws {
        try await ParleyTestServer.withTwoTenants(backend) { server, acme, _ in
            let store = FluentConversationStore(database: server.app.db(.parley))
            let (session, _) = try await store.createSession(tenant: acme.id, agentCode: "sales", keyHash: KeyMaterial.hash("k1"),
                                                            firstMessage: NewMessage(role: .human, content: "m0"))
            let sql = try #require(server.app.db(.parley) as? any SQLDatabase)
            let window: SQLQueryString = """
                SELECT id, role, content, created_at FROM messages
                WHERE tenant_id = \(literal: acme.id.uuid.uuidString.lowercased()) AND session_id = \(literal: session.id.uuid.uuidString.lowercased())
                ORDER BY created_at DESC LIMIT 10
                """
            let plan: String
            if backend == .postgres {
                plan = try await sql.raw("EXPLAIN " + window).all().map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
                #expect(plan.contains("Index Scan Backward using messages_tenant_session_created_idx"), "\(plan)")
                #expect(!plan.contains("Sort") && !plan.contains("BitmapAnd"), "\(plan)")
            } else {
                plan = try await sql.raw("EXPLAIN QUERY PLAN " + window).all().map { try $0.decode(column: "detail", as: String.self) }.joined(separator: "\n")
                #expect(plan.contains("messages_tenant_session_created_idx"), "\(plan)")
                #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
            }
        }
    }
}
