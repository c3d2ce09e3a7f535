import Fluent
import Foundation
import NIOHTTP1
import ParleyAccounts
import ParleyChat
import ParleyCore
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing

/// A tenant's owners edit its agents and personas through the admin API, and the chat uses the
/// edits at once; viewers read only; another tenant's people get 404; bad values change nothing.
@Suite("Admin agents API")
struct AdminAgentsAPITests {
    @Test(arguments: TestBackend.available)
    func ownersEditAgentsAndPersonasAndTheChatUsesThem(_ backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend) { server in
            let provisioner = server.services.provisioner(server.stores)
            let demo = try await provisioner.tenant(slug: "demo")
            let other = try await provisioner.createTenant(name: "Other", slug: "other").tenant
            let people = AdminTestPeople(server: server)
            let owner = try await people.token("owner@demo.example", demo.id, .owner).token
            let viewer = try await people.token("viewer@demo.example", demo.id, .viewer).token
            let stranger = try await people.token("owner@other.example", other.id, .owner).token
            func call(_ method: HTTPMethod, _ path: String, as token: String, _ json: String? = nil) async throws -> ParleyTestServer.Reply {
                try await server.send(method, "/api/v1/admin/tenants/demo" + path, headers: [("Authorization", "Bearer \(token)")],
                                      body: json.map { Data($0.utf8) })
            }

            let listed = try await call(.GET, "/agents", as: viewer)
            #expect(listed.json["agents"]?.arrayValue?.first?["code"]?.stringValue == "sales")
            #expect(listed.json["agents"]?.arrayValue?.first?["effective"]?["persona"]?.stringValue == "sales")

            // A persona of the owner's own, used by the sales agent: the next chat turn's prompt carries it.
            let persona = try await call(.PUT, "/personas/cheerful", as: owner,
                                         #"{"name": "Cheerful", "system_prompt": "You are Sunny, the shop's cheerful assistant. PERSONA-MARKER-42."}"#)
            #expect(persona.status == 200, "\(String(decoding: persona.body, as: UTF8.self))")
            #expect(try await call(.PUT, "/personas/cheerful", as: viewer, #"{"name": "X", "system_prompt": "Y"}"#).status == 403)
            let edited = try await call(.PATCH, "/agents/sales", as: owner, #"{"persona": "cheerful", "temperature": 0.9, "max_tokens": 300}"#)
            #expect(edited.status == 200, "\(String(decoding: edited.body, as: UTF8.self))")
            #expect(edited.json["effective"]?["persona"]?.stringValue == "cheerful")
            #expect(edited.json["effective"]?["temperature"]?.doubleValue == 0.9)
            let resolved = try await server.services.agentResolver(server.stores).resolve(tenant: demo, code: "sales")
            #expect(resolved.persona.systemPrompt.contains("PERSONA-MARKER-42") && resolved.maxTokens == 300)

            // Retrieval per agent: fewer passages, lexical only; the chat's retrieval uses both.
            let retrieval = try await call(.PATCH, "/agents/sales", as: owner, #"{"top_k": 2, "retrieval_mode": "lexical"}"#)
            #expect(retrieval.json["effective"]?["top_k"]?.doubleValue == 2 && retrieval.json["effective"]?["retrieval_mode"]?.stringValue == "lexical")
            let narrowed = try await server.services.agentResolver(server.stores).resolve(tenant: demo, code: "sales")
            #expect(narrowed.retrievalTopK == 2 && narrowed.retrievalMode == .lexical)
            let restored = try await call(.PATCH, "/agents/sales", as: owner, #"{"top_k": null, "retrieval_mode": null}"#)
            #expect(restored.json["overrides"]?["top_k"] == nil && restored.json["effective"]?["top_k"]?.doubleValue == Double(ParleyConfig().retrieval.topK))

            // null clears an override; bad values and unknown fields change nothing.
            let cleared = try await call(.PATCH, "/agents/sales", as: owner, #"{"temperature": null}"#)
            #expect(cleared.json["overrides"]?["temperature"] == nil && cleared.json["overrides"]?["persona"]?.stringValue == "cheerful")
            for (json, code) in [(#"{"temperature": 7}"#, "invalid_temperature"), (#"{"max_tokens": 0}"#, "invalid_max_tokens"),
                                 (#"{"persona": "nobody"}"#, "unknown_persona"), (#"{"model": "has spaces in it"}"#, "invalid_model"),
                                 (#"{"temperature": "warm"}"#, "invalid_temperature"), (#"{"system_prompt": "x"}"#, "unknown_field"),
                                 (#"{"enabled": "yes"}"#, "invalid_enabled"), ("[1, 2]", "invalid_json"),
                                 (#"{"top_k": 0}"#, "invalid_top_k"), (#"{"top_k": 1000000}"#, "invalid_top_k"),
                                 (#"{"top_k": 2.5}"#, "invalid_top_k"), (#"{"retrieval_mode": "psychic"}"#, "invalid_retrieval_mode")] {
                let reply = try await call(.PATCH, "/agents/sales", as: owner, json)
                #expect(reply.status == 400 && reply.errorCode == code, "\(json): \(reply.status) \(reply.errorCode ?? "")")
            }
            #expect(try await call(.PATCH, "/agents/nope", as: owner, #"{"enabled": false}"#).status == 404)
            for (json, code) in [(#"{"name": "", "system_prompt": "x"}"#, "invalid_name"), (#"{"name": "N", "system_prompt": " "}"#, "invalid_prompt")] {
                #expect(try await call(.PUT, "/personas/cheerful", as: owner, json).errorCode == code)
            }
            #expect(try await call(.PUT, "/personas/Bad%20Code", as: owner, #"{"name": "N", "system_prompt": "x"}"#).errorCode == "invalid_code")
            #expect(try await call(.PATCH, "/agents/sales", as: viewer, #"{"enabled": false}"#).status == 403)
            #expect(try await call(.GET, "/agents", as: stranger).status == 404)
            #expect(try await call(.GET, "/personas", as: stranger).status == 404)

            // Switching the agent off closes its chat for this tenant.
            #expect(try await call(.PATCH, "/agents/sales", as: owner, #"{"enabled": false}"#).json["enabled"] == .bool(false))
            #expect(try await server.postChat(["message": "hello"]).status == 404)
            #expect(try await call(.PATCH, "/agents/sales", as: owner, #"{"enabled": true}"#).status == 200)
            #expect(try await server.postChat(["message": "hello"]).status == 201)
        }
    }
}
