import Fluent
import Foundation
import ParleyChat
import ParleyCore
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing

/// A turn's answer and its LLM call records are one transaction in the real databases: both
/// rows or neither, and only in the tenant's own conversation.
@Suite("Turn answers in the database")
struct TurnAnswerStoreTests {
    func call(_ tenant: TenantID, _ session: SessionID, model: String = "m") -> LLMCallRecord {
        LLMCallRecord(tenantID: tenant, sessionID: session, provider: "extractive", model: model, requestBody: ["question": "q"],
                      responseBody: ["content": "a"], usage: TokenUsage(promptTokens: 3, completionTokens: 2), latencyMs: 4, succeeded: true)
    }

    @Test(arguments: TestBackend.available)
    func theAnswerAndItsCallsAreWrittenTogetherOrNotAtAll(_ backend: TestBackend) async throws {
        try await ParleyTestServer.withTwoTenants(backend) { server, acme, other in
            let database = server.app.db(.parley)
            let conversations = FluentConversationStore(database: database)
            let answers = SQLTurnAnswerStore(database: database)
            let log = FluentLLMRequestLog(database: database)
            let (session, _) = try await conversations.createSession(tenant: acme.id, agentCode: "sales", keyHash: KeyMaterial.hash("k"),
                                                                    firstMessage: NewMessage(role: .human, content: "Price?"))

            let answer = try await answers.append(tenant: acme.id, session: session.id, answer: NewMessage(role: .assistant, content: "$49"),
                                                   calls: [call(acme.id, session.id), call(acme.id, session.id, model: "review")])
            #expect(try await conversations.message(tenant: acme.id, id: answer.id)?.content == "$49")
            #expect(try await log.rows(tenant: acme.id).map(\.model).sorted() == ["m", "review"])

            // Another tenant's conversation: refused, and the call written with it is rolled back.
            await #expect(throws: ParleyError.self) {
                try await answers.append(tenant: other.id, session: session.id, answer: NewMessage(role: .assistant, content: "spy"),
                                         calls: [call(other.id, session.id, model: "rolled-back")])
            }
            #expect(try await log.rows(tenant: other.id).isEmpty, "no call row outlives the answer it came with")
            #expect(try await conversations.history(tenant: acme.id, session: session.id, limit: 10).map(\.content) == ["Price?", "$49"])

            // Calls without an answer (a turn that failed before any text) are written alone.
            try await answers.append(call(acme.id, session.id, model: "alone"))
            #expect(try await log.rows(tenant: acme.id).count == 3)
        }
    }
}
