import Fluent
import Foundation
import ParleyChat
import ParleyCore
import ParleyLeads
import ParleyLLM
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing

/// Lead extraction by a model (a fake OpenAI-compatible server over real HTTP): the schema sent
/// as structured output (JSON mode for groq), broken answers repaired, one retry, the rules'
/// reading when the model cannot be read, and the rules' exact e-mail over the model's.
@Suite("Lead extraction by a model")
struct ModelLeadExtractionTests {
    func withModel(_ backend: TestBackend, provider: String = "openrouter", _ body: (ParleyTestServer, FakeOpenAIServer) async throws -> Void) async throws {
        let fake = try await FakeOpenAIServer.start()
        do {
            try await ParleyTestServer.with(backend, secrets: ParleySecrets(llmAPIKey: "sk-test-abcdefghijklmnop"), adjust: { config in
                config.llm.baseURL = fake.baseURL
                config.llm.provider = provider
                config.llm.model = "acme/extractor"
                config.llm.retryBaseDelayMs = 5
                config.leads.extraction = .auto
                config.jobs.inProcessWorker = false  // the test reads messages itself, so the fake's replies go where it says
            }) { server in try await body(server, fake) }
        } catch {
            await fake.stop()
            throw error
        }
        await fake.stop()
    }

    /// A conversation whose assistant asked for details and whose visitor answered `text`.
    func message(_ server: ParleyTestServer, _ text: String) async throws -> (TenantID, StoredMessage) {
        let demo = try #require(try await server.stores.tenants.tenant(slug: "demo"))
        let store = server.stores.conversations
        let (session, _) = try await store.createSession(tenant: demo.id, agentCode: "sales", keyHash: KeyMaterial.hash(UUID().uuidString),
                                                         firstMessage: NewMessage(role: .human, content: "I need bikes for my team."))
        _ = try await store.append(tenant: demo.id, session: session.id, message: NewMessage(role: .assistant, content: "Happy to help. Where should we send an offer?"))
        let visitor = try await store.append(tenant: demo.id, session: session.id, message: NewMessage(role: .human, content: text))
        return (demo.id, visitor)
    }

    static let answer = "Mia from Velo GmbH, Hauptstraße 5, 10115 Berlin. We need 12 bikes by March, budget about 30k. Mail mia@velo.example"

    @Test(arguments: TestBackend.available)
    func aBrokenAnswerIsRepairedAndTheSchemaIsSent(_ backend: TestBackend) async throws {
        try await withModel(backend) { server, fake in
            let broken = "Here you go:\n```json\n{\"name\": \"Mia\", \"company\": \"Velo\nGmbH\", \"street\": \"Hauptstraße 5\", \"city\": \"Berlin\", "
                + "\"zip\": 10115, \"quantity\": \"12 bikes\", \"timeline\": \"by March\", \"budget\": [\"about 30k\"], "
                + "\"email\": \"MIA@VELO.EXAMPLE\", \"interests\": \"cargo bikes\", \"preferences\": [\"e-mail\",],}\n```"
            await fake.enqueue(.stream(tokens: [String(broken.prefix(40)), String(broken.dropFirst(40))], usage: TokenUsage(promptTokens: 300, completionTokens: 60)))
            let (tenant, visitor) = try await message(server, Self.answer)
            let lead = try #require(try await server.services.leadExtraction(on: server.app.db(.parley)).read(message: visitor.id, tenant: tenant))
            #expect(lead.name?.value == "Mia" && lead.fields[.company]?.value == "Velo GmbH" && lead.fields[.city]?.value == "Berlin")
            #expect(lead.fields[.zip]?.value == "10115" && lead.fields[.quantity]?.value == "12 bikes" && lead.fields[.budget]?.value == "about 30k")
            #expect(lead.email?.value == "mia@velo.example" && lead.email?.messageID == visitor.id && lead.email?.confirmed == false)
            #expect(lead.interests.map(\.value).contains("cargo bikes") && lead.preferences.map(\.value) == ["e-mail"])
            #expect(lead.stage == .qualified)

            let sent = try #require(await fake.received().first?.body)
            #expect(sent["response_format"]?["type"]?.stringValue == "json_schema")
            #expect(sent["response_format"]?["json_schema"]?["schema"]?["properties"]?["company"] != nil)
            #expect(sent["messages"]?.arrayValue?.last?["content"]?.stringValue?.contains("Assistant: Happy to help.") == true, "the earlier messages go with it")
            // The call is recorded like every model call.
            #expect(try await eventually { try await server.stores.llmLog.rows(tenant: tenant).count == 1 })
        }
    }

    @Test(arguments: TestBackend.available)
    func anUnreadableAnswerIsAskedOnceMoreThenTheRulesStand(_ backend: TestBackend) async throws {
        try await withModel(backend, provider: "groq") { server, fake in
            await fake.enqueue(.stream(tokens: ["I think her name is Mia."], usage: nil),
                               .stream(tokens: ["{\"name\": \"Mia\", \"company\": \"Velo GmbH\", \"email\": \"wrong@elsewhere.example\"}"], usage: nil))
            let (tenant, visitor) = try await message(server, Self.answer)
            let extraction = server.services.leadExtraction(on: server.app.db(.parley))
            let lead = try #require(try await extraction.read(message: visitor.id, tenant: tenant))
            #expect(await fake.received().count == 2, "one retry")
            #expect(await fake.received().first?.body["response_format"]?["type"]?.stringValue == "json_object", "JSON mode for groq")
            #expect(lead.fields[.company]?.value == "Velo GmbH")
            #expect(lead.email?.value == "mia@velo.example", "the rules' exact address wins over the model's")

            // Two unreadable answers (and then a failing provider): the rules' reading stands.
            await fake.enqueue(.stream(tokens: ["no idea"], usage: nil), .stream(tokens: ["{\"name\": "], usage: nil))
            let (_, second) = try await message(server, "This is Jonas Weber, jonas@weber.example")
            let ruled = try #require(try await extraction.read(message: second.id, tenant: tenant))
            #expect(ruled.name?.value == "Jonas Weber" && ruled.email?.value == "jonas@weber.example" && ruled.fields[.company] == nil)
            await fake.enqueue(.status(500), .status(500), .status(500))
            let (_, third) = try await message(server, "Call me on +44 20 7946 0958")
            #expect(try await extraction.read(message: third.id, tenant: tenant)?.phone?.value == "+442079460958")
        }
    }
}
