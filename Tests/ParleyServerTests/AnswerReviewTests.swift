import Foundation
import ParleyCore
import ParleyLLM
import ParleyServer
import ParleyTestSupport
import Testing

/// The model's self-check of its answers (`handoff.self_check`) against a fake OpenAI-compatible
/// server over HTTP: its rating becomes the confidence's coherence, and its call for a person
/// escalates the conversation as the agent's decision.
@Suite("Answer review")
struct AnswerReviewTests {
    @Test(arguments: TestBackend.available)
    func theModelsReviewRatesTheAnswerAndCanHandTheConversationOver(backend: TestBackend) async throws {
        let fake = try await FakeOpenAIServer.start()
        defer { Task { await fake.stop() } }
        let usage = TokenUsage(promptTokens: 20, completionTokens: 8)
        await fake.enqueue(.stream(tokens: ["Our City model costs €1,899 [1]."], usage: usage),
                           .stream(tokens: [#"{"answers_question": 0.9, "needs_person": false}"#], usage: usage),
                           .stream(tokens: ["I can't agree a price, but "], usage: usage),
                           .stream(tokens: ["```json\n{\"answers_question\": \"0.4\", \"needs_person\": \"yes\"}\n```"], usage: usage),
                           .stream(tokens: ["The Trek has a range of 60 to 110 km [1]."], usage: usage),
                           .stream(tokens: ["I am not JSON at all"], usage: usage))
        try await ParleyTestServer.with(backend, secrets: ParleySecrets(llmAPIKey: "sk-test-key-123456"), adjust: {
            $0.llm.baseURL = fake.baseURL
            $0.handoff.selfCheck = true
            // Without embeddings these answers' retrieval similarity is low: only the model's own call escalates here.
            $0.handoff.escalateBelow = 0
        }) { server in
            let demo = try #require(try await server.stores.tenants.tenant(slug: "demo"))
            func answer(_ events: [ServerSentEvent]) async throws -> StoredMessage {
                let id = try #require(events.last { $0.event == "done" }?.json["message_id"]?.stringValue.flatMap(MessageID.init(string:)))
                return try #require(try await server.stores.conversations.message(tenant: demo.id, id: id))
            }

            // A good answer: the model's 0.9 is the coherence; nobody is needed.
            let (first, key) = try await server.chatTurn("How much does the City model cost?")
            let rated = try await answer(first)
            #expect(rated.metadata["confidence"]?["answer_coherence"] == 0.9)
            #expect(rated.metadata["escalation"] == nil)
            let calls = await fake.received()
            #expect(calls.count == 2 && calls[1].body["response_format"]?["json_schema"]?["name"] == "answer_review")
            #expect(calls[1].body["messages"]?.arrayValue?.last?["content"]?.stringValue?.contains("costs €1,899") == true)

            // The model asks for a person (in a fence, as text): the agent's decision escalates the conversation.
            let (second, _) = try await server.chatTurn("Can we negotiate the price for twenty bikes?", sessionKey: key)
            let handedOver = try await answer(second)
            #expect(handedOver.metadata["escalation"] == "agent_decision")
            #expect(handedOver.metadata["confidence"]?["answer_coherence"] == 0.4)
            let open = try await server.stores.escalations.openEscalations(tenant: demo.id, limit: 10)
            #expect(open.map(\.reason) == [.agentDecision])

            // An unreadable review changes nothing: the turn ends as it would without one.
            let (third, _) = try await server.chatTurn("What is the range of the Trek?")
            #expect(third.last?.event == "done")
            let unrated = try await answer(third)
            #expect(unrated.metadata["confidence"]?["answer_coherence"] != nil && unrated.metadata["escalation"] == nil)
            // Every review was a model call of the conversation, counted like the answers.
            #expect(try await eventually { try await server.rowCount("llm_requests") == 6 })
        }
    }
}
