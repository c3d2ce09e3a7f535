import Fluent
import ParleyChat
import ParleyCore
import ParleyServer
import ParleyStore
import ParleyTestSupport

extension ParleyTestServer {
    /// A server without the demo tenant, holding two tenants, Acme and Other: the set-up of the
    /// store tests that show one tenant cannot reach the other's rows.
    static func withTwoTenants(_ backend: TestBackend, _ body: (ParleyTestServer, _ acme: Tenant, _ other: Tenant) async throws -> Void) async throws {
        try await with(backend, adjust: { $0.app.seedDemo = false }) { server in
            let provisioner = server.services.provisioner(server.stores)
            let acme = try await provisioner.createTenant(name: "Acme", slug: "acme").tenant
            let other = try await provisioner.createTenant(name: "Other", slug: "other").tenant
            try await body(server, acme, other)
        }
    }

    /// A PostgreSQL server (no job worker in the process) with one conversation of the demo
    /// tenant, while a real `LISTEN` hears `channel`: the set-up of the tests of the notices
    /// that statements send.
    static func withDemoConversation(listeningTo channel: String,
                                     _ body: @escaping @Sendable (ParleyTestServer, _ demo: Tenant, SessionID, HeardNotices) async throws -> Void)
        async throws {
        try await with(.postgres, adjust: { $0.jobs.inProcessWorker = false }) { server in
            guard let url = server.database.url, let demo = try await server.stores.tenants.tenant(slug: "demo") else {
                throw ParleyError.internalFailure("The PostgreSQL test server has no URL or no demo tenant.")
            }
            let (_, key) = try await server.chatTurn("Hello")
            guard let session = try await server.stores.conversations.session(tenant: demo.id, keyHash: KeyMaterial.hash(key))?.id else {
                throw ParleyError.internalFailure("The demo conversation was not stored.")
            }
            try await HeardNotices.whileListening(to: channel, on: url) { heard in try await body(server, demo, session, heard) }
        }
    }

    /// A new conversation of `tenant`'s sales agent, keyed `key`, opened by the visitor's `text`.
    func conversation(of tenant: Tenant, key: String, saying text: String) async throws -> (ChatSession, StoredMessage) {
        try await FluentConversationStore(database: app.db(.parley)).createSession(
            tenant: tenant.id, agentCode: "sales", keyHash: KeyMaterial.hash(key), firstMessage: NewMessage(role: .human, content: text))
    }
}
