import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyRetrieval
import ParleyServer
import ParleyTestSupport
import Testing

/// The retrieval playground ranks a tenant's knowledge base as the chat would, with each
/// passage's lexical and dense places; it reads only its own tenant's passages and refuses
/// callers without a membership and questions a visitor could not send.
@Suite("Admin retrieval playground")
struct AdminPlaygroundAPITests {
    @Test(arguments: TestBackend.available)
    func ranksAsTheChatWouldWithBothRankings(_ backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend, adjust: { $0.app.seedDemo = false; $0.app.defaultTenant = "alpha" }) { server in
            let provisioner = server.services.provisioner(server.stores)
            let alpha = try await provisioner.createTenant(name: "Alpha", slug: "alpha").tenant
            let beta = try await provisioner.createTenant(name: "Beta", slug: "beta").tenant
            let people = AdminTestPeople(server: server)
            let viewer = try await people.token("v@alpha.example", alpha.id, .viewer).token
            let owner = try await people.token("o@alpha.example", alpha.id, .owner).token
            let stranger = try await people.token("o@beta.example", beta.id, .owner).token
            func call(_ method: HTTPMethod, _ path: String, as token: String?, _ json: String? = nil, slug: String = "alpha") async throws -> ParleyTestServer.Reply {
                try await server.send(method, "/api/v1/admin/tenants/\(slug)" + path,
                                      headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [], body: json.map { Data($0.utf8) })
            }
            let faq = #"{"kind": "faq", "title": "Shipping FAQ", "faq": [{"question": "Do you ship to Canada?", "answer": "Yes, parcels to Canada take five working days."}, {"question": "Can I pay by invoice?", "answer": "Companies can pay by invoice within 30 days."}]}"#
            #expect(try await call(.POST, "/sources?wait=true", as: owner, faq).status == 201)
            let secret = #"{"kind": "text", "title": "Beta secret", "content": "Beta ships parcels to Canada by zeppelin."}"#
            #expect(try await server.send(.POST, "/api/v1/admin/tenants/beta/sources?wait=true",
                                          headers: [("Authorization", "Bearer \(stranger)")], body: Data(secret.utf8)).status == 201)

            let ranked = try await call(.POST, "/playground", as: viewer, #"{"question": "how long does shipping to canada take"}"#)
            #expect(ranked.status == 200, "\(String(decoding: ranked.body, as: UTF8.self))")
            let passages = try #require(ranked.json["passages"]?.arrayValue)
            let first = try #require(passages.first)
            #expect(first["text"]?.stringValue?.contains("five working days") == true)
            #expect(first["rank"]?.doubleValue == 1 && first["lexical"]?["rank"]?.doubleValue == 1)
            #expect((first["lexical"]?["score"]?.doubleValue ?? 0) > 0)
            #expect(ranked.json["agent"]?.stringValue == "sales" && ranked.json["top_k"]?.doubleValue == 5)
            #expect(!passages.contains { $0["text"]?.stringValue?.contains("zeppelin") == true }, "never another tenant's passages")
            // The chat's own retrieval agrees with the playground's order.
            let chat = try await server.services.knowledge.retrieve(RetrievalQuery(
                tenantID: alpha.id, agentCode: "sales", text: "how long does shipping to canada take", topK: 5))
            #expect(chat.map(\.chunkID) == passages.compactMap { $0["chunk_id"]?.stringValue })

            // The agent's own settings apply: one passage, lexical only.
            #expect(try await call(.PATCH, "/agents/sales", as: owner, #"{"top_k": 1, "retrieval_mode": "lexical"}"#).status == 200)
            let narrowed = try await call(.POST, "/playground", as: viewer, #"{"question": "invoice payment", "agent": "sales"}"#)
            #expect(narrowed.json["passages"]?.arrayValue?.count == 1 && narrowed.json["mode"]?.stringValue == "lexical")
            #expect(narrowed.json["passages"]?.arrayValue?.first?["dense"] == .null || narrowed.json["passages"]?.arrayValue?.first?["dense"] == nil)

            // Callers and input it refuses.
            #expect(try await call(.POST, "/playground", as: nil, #"{"question": "canada"}"#).status == 401)
            #expect(try await call(.POST, "/playground", as: stranger, #"{"question": "canada"}"#).status == 404)
            #expect(try await call(.POST, "/playground", as: viewer, #"{"question": "canada", "agent": "nobody"}"#).status == 404)
            for json in [#"{"question": "   "}"#, #"{"question": "\#(String(repeating: "x", count: 4001))"}"#] {
                #expect(try await call(.POST, "/playground", as: viewer, json).errorCode == "invalid_question")
            }
            #expect(try await call(.POST, "/playground", as: viewer, "{not json").errorCode == "invalid_json")
            #expect(try await call(.POST, "/playground", as: viewer, #"{"question": 42}"#).status == 400)
            #expect(try await call(.POST, "/playground", as: viewer, String(repeating: "x", count: 20_000)).status == 413)
        }
    }
}
