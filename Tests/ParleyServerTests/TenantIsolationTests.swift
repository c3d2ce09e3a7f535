import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyLLM
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing

/// In multi-tenant mode one tenant's keys, sessions and stream ids are useless for another.
@Suite("Tenant isolation")
struct TenantIsolationTests {
    @Test(arguments: TestBackend.available)
    func keysSessionsAndStreamsStayWithTheirTenant(_ backend: TestBackend) async throws {
        let database = try await TestDatabase.make(backend)
        let server = try await ParleyTestServer.start(database) { $0.app.mode = .multiTenant }
        defer { Task { await server.stop(); await database.destroy() } }
        let provisioner = server.services.provisioner(server.stores)
        let alpha = try await provisioner.createTenant(name: "Alpha Ltd", slug: "alpha")
        let beta = try await provisioner.createTenant(name: "Beta Inc", slug: "beta")
        let asAlpha = [("X-Parley-Tenant", alpha.tenant.widgetKey)]
        let asBeta = [("X-Parley-Tenant", beta.tenant.widgetKey)]

        let (_, alphaKey) = try await server.chatTurn("Alpha's secret question", headers: asAlpha)
        let alphaHistory = try await server.send(.GET, "/a/sales/history", headers: asAlpha + [("X-Parley-Session", alphaKey)])
        #expect(alphaHistory.json["messages"]?.arrayValue?.count == 2)

        // Beta cannot read or continue Alpha's conversation with Alpha's session key.
        let betaReads = try await server.send(.GET, "/a/sales/history", headers: asBeta + [("X-Parley-Session", alphaKey)])
        #expect(betaReads.status == 404)
        let betaWrites = try await server.postChat(["message": "inject", "session_key": alphaKey], headers: asBeta)
        #expect(betaWrites.status == 404)
        // Beta's API key does not open Alpha's conversation either.
        let betaAPI = try await server.send(.GET, "/a/sales/history", headers: [("Authorization", "Bearer \(beta.apiKey)"), ("X-Parley-Session", alphaKey)])
        #expect(betaAPI.status == 404)
        let alphaAPI = try await server.send(.GET, "/a/sales/history", headers: [("Authorization", "Bearer \(alpha.apiKey)"), ("X-Parley-Session", alphaKey)])
        #expect(alphaAPI.status == 200)

        // Alpha's stream id presented as Beta is refused, and stays redeemable by Alpha.
        let pending = try await server.postChat(["message": "second", "session_key": alphaKey], headers: asAlpha)
        let streamID = try #require(pending.json["stream_id"]?.stringValue)
        #expect(try await server.streamEvents(streamID, headers: asBeta).status == 403)
        #expect(try await server.streamEvents(streamID, headers: [("Authorization", "Bearer \(beta.apiKey)")]).status == 403)
        let alphaStream = try await server.streamEvents(streamID, headers: asAlpha)
        #expect(alphaStream.events.last?.event == "done", "\(String(decoding: alphaStream.body, as: UTF8.self))")

        // Nothing of Alpha's was written under Beta.
        let betaSessions = try await server.stores.conversations.session(tenant: beta.tenant.id, keyHash: KeyMaterial.hash(alphaKey))
        #expect(betaSessions == nil)
        #expect(try await server.rowCount("messages") == 4)
    }

    @Test func unknownInactiveAndMissingCredentials() async throws {
        let database = try await TestDatabase.make(.sqlite)
        let server = try await ParleyTestServer.start(database) { $0.app.mode = .multiTenant }
        defer { Task { await server.stop(); await database.destroy() } }
        let created = try await server.services.provisioner(server.stores).createTenant(name: "Gamma", slug: "gamma")

        #expect(try await server.postChat(["message": "hi"]).status == 401)
        #expect(try await server.postChat(["message": "hi"], headers: [("X-Parley-Tenant", "pk_nope")]).status == 404)
        #expect(try await server.postChat(["message": "hi"], headers: [("Authorization", "Bearer sk_wrong")]).status == 401)
        #expect(try await server.postChat(["message": "hi"], headers: [("X-Parley-Tenant", created.tenant.widgetKey)]).status == 201)
        #expect(try await server.postChat(["message": "hi"], headers: [("Authorization", "Bearer \(created.apiKey)")]).status == 201)

        try await server.stores.tenants.setActive(created.tenant.id, false)
        #expect(try await server.postChat(["message": "hi"], headers: [("X-Parley-Tenant", created.tenant.widgetKey)]).status == 404)
        #expect(try await server.postChat(["message": "hi"], headers: [("Authorization", "Bearer \(created.apiKey)")]).status == 401)
    }

    @Test func agentsCanBeSwitchedOffPerTenant() async throws {
        let database = try await TestDatabase.make(.sqlite)
        let server = try await ParleyTestServer.start(database) { config in
            var support = ParleyConfig.AgentSection()
            support.name = "Support"
            support.type = "support"
            support.persona = "support"
            config.agents["support"] = support
        }
        defer { Task { await server.stop(); await database.destroy() } }
        #expect(try await server.postChat(["message": "hi"], agent: "support").status == 201)
        let demo = try #require(try await server.stores.tenants.tenant(slug: "demo"))
        let agent = try #require(try await server.stores.agents.agent(code: "support"))
        try await server.stores.agents.save(TenantAgentSettings(tenantID: demo.id, agentID: agent.id, isEnabled: false))
        #expect(try await server.postChat(["message": "hi"], agent: "support").status == 404)
        #expect(try await server.postChat(["message": "hi"], agent: "sales").status == 201)
    }
}
