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

/// The admin's view of a tenant's conversations: listed newest first and paged without gaps or
/// repeats, filtered, and read whole with each answer's model, tokens, latency and cost, never
/// another tenant's.
@Suite("Admin conversations API")
struct AdminConversationsAPITests {
    @Test(arguments: TestBackend.available)
    func listPageFilterAndReadTranscripts(_ backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend, adjust: { $0.app.mode = .multiTenant }) { server in
            let provisioner = server.services.provisioner(server.stores)
            let alpha = try await provisioner.createTenant(name: "Alpha", slug: "alpha").tenant
            let beta = try await provisioner.createTenant(name: "Beta", slug: "beta").tenant
            let people = AdminTestPeople(server: server)
            let viewer = try await people.token("v@alpha.example", alpha.id, .viewer).token
            let betaOwner = try await people.token("o@beta.example", beta.id, .owner).token
            for index in 0 ..< 5 {
                _ = try await server.chatTurn("Question number \(index) about plans", headers: [("X-Parley-Tenant", alpha.widgetKey)])
            }
            let (_, betaKey) = try await server.chatTurn("Beta's private question", headers: [("X-Parley-Tenant", beta.widgetKey)])
            let betaSession = try #require(try await server.stores.conversations.session(tenant: beta.id, keyHash: KeyMaterial.hash(betaKey)))

            func get(_ path: String, as token: String? = viewer) async throws -> ParleyTestServer.Reply {
                try await server.send(.GET, "/api/v1/admin/tenants" + path, headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [])
            }
            let all = try await get("/alpha/conversations")
            let listed = try #require(all.json["conversations"]?.arrayValue)
            #expect(listed.count == 5)
            #expect(listed.first?["opening"]?.stringValue == "Question number 4 about plans", "newest activity first")
            #expect(listed.allSatisfy { $0["message_count"]?.doubleValue == 2 })
            #expect(!String(decoding: all.body, as: UTF8.self).contains("Beta's private"))

            // Pages of one: every conversation once, across four cursors.
            var seen: [String] = []
            var after: String?
            repeat {
                let page = try await get("/alpha/conversations?limit=1" + (after.map { "&after=\($0)" } ?? ""))
                seen += page.json["conversations"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
                after = page.json["next"]?.stringValue
            } while after != nil && seen.count < 10
            #expect(seen == listed.compactMap { $0["id"]?.stringValue })

            #expect(try await get("/alpha/conversations?agent=sales").json["conversations"]?.arrayValue?.count == 5)
            #expect(try await get("/alpha/conversations?agent=support").json["conversations"]?.arrayValue?.count == 0)
            #expect(try await get("/alpha/conversations?status=active").json["conversations"]?.arrayValue?.count == 5)
            #expect(try await get("/alpha/conversations?status=idle").json["conversations"]?.arrayValue?.count == 0)
            #expect(try await get("/alpha/conversations?from=2099-01-01").json["conversations"]?.arrayValue?.count == 0)
            for bad in ["agent=Not%20An%20Agent", "status=bogus", "limit=0", "limit=500", "from=yesterday", "after=garbage",
                        "after=" + String(repeating: "9", count: 200)] {
                let reply = try await get("/alpha/conversations?" + bad)
                #expect(reply.status == 400, "\(bad): \(reply.status)")
            }

            let id = try #require(listed.first?["id"]?.stringValue)
            let transcript = try await get("/alpha/conversations/\(id)")
            let messages = try #require(transcript.json["messages"]?.arrayValue)
            #expect(messages.map { $0["role"]?.stringValue ?? "" } == ["human", "assistant"])
            #expect(messages[1]["model"]?.stringValue != nil && messages[1]["latency_ms"]?.doubleValue != nil)
            #expect(messages[1]["citations"]?.arrayValue != nil)
            #expect(transcript.json["model_calls"]?.arrayValue?.count == 1)
            #expect(transcript.json["total_cost"]?.doubleValue != nil)

            // Another tenant's conversation, by its real id, is 404 here; and Beta's owner cannot list Alpha's.
            let foreign = try await get("/alpha/conversations/\(betaSession.id)")
            #expect(foreign.status == 404 && foreign.errorCode == "unknown_conversation")
            #expect(try await get("/alpha/conversations/not-an-id").status == 404)
            #expect(try await get("/alpha/conversations", as: betaOwner).status == 404)
            #expect(try await get("/beta/conversations/\(betaSession.id)", as: betaOwner).json["messages"]?.arrayValue?.count == 2)
            #expect(try await get("/alpha/conversations", as: nil).status == 401)
        }
    }
}
