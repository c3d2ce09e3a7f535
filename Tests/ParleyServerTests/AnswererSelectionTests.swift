import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyLLM
import ParleyServer
import ParleyTestSupport
import Testing

/// A local OpenAI-compatible server (Ollama, llama.cpp, vLLM, or any marked keyless) answers
/// without a made-up key, and the server says which answerer it runs and why.
@Suite("Answerer selection")
struct AnswererSelectionTests {
    @Test func theChoiceAndItsReasonFollowProviderAndKey() {
        var llm = ParleyConfig.LLMSection()
        let none = ParleySecrets()
        let offline = AnswererChoice.choose(llm, secrets: none)
        #expect(offline.kind == .offline && offline.reason.contains("PARLEY_LLM_API_KEY") && offline.reason.contains("ollama"))
        let keyed = AnswererChoice.choose(llm, secrets: ParleySecrets(llmAPIKey: "sk-secret-value-123"))
        #expect(keyed.kind == .model && keyed.apiKey == "sk-secret-value-123" && !keyed.reason.contains("sk-secret"))
        llm.provider = "ollama"
        let ollama = AnswererChoice.choose(llm, secrets: none)
        #expect(ollama.kind == .model && ollama.apiKey == nil && ollama.baseURL == "http://127.0.0.1:11434/v1")
        llm.provider = "vllm"
        llm.baseURL = "http://gpu-box:9000/v1"
        #expect(AnswererChoice.choose(llm, secrets: none).baseURL == "http://gpu-box:9000/v1", "a configured base URL wins")
        llm.provider = "my-local-server"
        #expect(AnswererChoice.choose(llm, secrets: none).kind == .offline)
        llm.keyless = true
        #expect(AnswererChoice.choose(llm, secrets: none).kind == .model)
        llm.provider = "extractive"
        #expect(AnswererChoice.choose(llm, secrets: ParleySecrets(llmAPIKey: "sk-x")).kind == .offline)
    }

    @Test(arguments: ["ollama", "llamacpp", "vllm"])
    func aKeylessLocalProviderAnswersForReal(_ provider: String) async throws {
        let fake = try await FakeOpenAIServer.start()
        await fake.enqueue(.stream(tokens: ["Local ", "answer."], usage: TokenUsage(promptTokens: 12, completionTokens: 2)))
        defer { Task { await fake.stop() } }
        try await ParleyTestServer.with(.sqlite, adjust: { config in
            config.llm.provider = provider
            config.llm.baseURL = fake.baseURL
            config.llm.model = "llama3.2"
        }) { server in
            let turn = try await server.chatTurn("What plans do you offer?")
            let tokens = turn.events.filter { $0.event == "token" }.compactMap { $0.json["text"]?.stringValue }.joined()
            #expect(tokens == "Local answer.", "\(turn.events.map(\.event))")
            let received = await fake.received()
            #expect(received.count == 1)
            #expect(received.first?.authorization == nil, "no made-up key is sent")
            #expect(received.first?.body["model"]?.stringValue == "llama3.2")

            let rotated = try await server.services.provisioner(server.stores).rotateAPIKey(slug: "demo")
            let health = try await server.send(.GET, "/health", headers: [("Authorization", "Bearer \(rotated.apiKey)")])
            #expect(health.json["llm"]?["answerer"]?.stringValue == "model")
            #expect(health.json["llm"]?["provider"]?.stringValue == provider)
            #expect(health.json["llm"]?["reason"]?.stringValue?.contains("without an API key") == true)
        }
    }

    @Test func healthSaysWhyAnswersAreOffline() async throws {
        try await ParleyTestServer.with(.sqlite) { server in
            let rotated = try await server.services.provisioner(server.stores).rotateAPIKey(slug: "demo")
            let health = try await server.send(.GET, "/health", headers: [("Authorization", "Bearer \(rotated.apiKey)")])
            #expect(health.json["llm"]?["answerer"]?.stringValue == "offline")
            #expect(health.json["llm"]?["reason"]?.stringValue?.contains("no LLM API key is set") == true)
            let anonymous = try await server.send(.GET, "/health")
            #expect(anonymous.json["llm"] == nil, "an anonymous caller sees the status only")
        }
    }
}
