import Fluent
import Foundation
import ParleyChat
import ParleyCore
import ParleyIngest
import ParleyRetrieval
import ParleyServer
import ParleyStore
import ParleyTestSupport
import SQLKit
import Testing

/// Every vector store, through the running app (ingestion → store → dense retrieval): tenant
/// isolation, agent scope, k rows back, deletion. The embedded store on SQLite, pgvector on
/// the test PostgreSQL server, Pinecone against the fake Pinecone server.
@Suite("Vector stores")
struct VectorStoreTests {
    enum Kind: String, CaseIterable, CustomStringConvertible {
        case embedded, pgvector, pinecone
        var description: String { rawValue }
        static var available: [Kind] { allCases }
    }

    struct Fixture {
        var server: ParleyTestServer
        var a: Tenant
        var b: Tenant
        var pinecone: FakePineconeServer?
    }

    func withStore(_ kind: Kind, _ body: (Fixture) async throws -> Void) async throws {
        let embedder = HashingEmbedder(dimension: 64)
        let database = try await TestDatabase.make(kind == .pgvector ? .postgres : .sqlite)
        let pinecone = kind == .pinecone ? try await FakePineconeServer.start(dimension: 64) : nil
        var secrets = ParleySecrets()
        secrets.pineconeAPIKey = pinecone?.apiKey
        let host = pinecone?.host ?? ""
        let server = try await ParleyTestServer.start(database, secrets: secrets, embedder: embedder) { config in
            config.app.seedDemo = false
            config.vector.store = kind.rawValue
            config.vector.pinecone.host = host
            config.vector.pinecone.indexName = "parley-test"
        }
        do {
            let provisioner = server.services.provisioner(server.stores)
            let a = try await provisioner.createTenant(name: "A", slug: "tenant-a").tenant
            let b = try await provisioner.createTenant(name: "B", slug: "tenant-b").tenant
            try await body(Fixture(server: server, a: a, b: b, pinecone: pinecone))
        } catch {
            await server.stop(); await pinecone?.stop(); await database.destroy()
            throw error
        }
        await server.stop()
        await pinecone?.stop()
        await database.destroy()
    }

    func dense(_ fixture: Fixture, _ tenant: Tenant, _ text: String, agent: String = "sales", k: Int = 10) async throws -> [SourcePassage] {
        try await fixture.server.services.knowledge.retrieve(RetrievalQuery(tenantID: tenant.id, agentCode: agent, text: text, topK: k, mode: .dense))
    }

    @Test(arguments: Kind.available)
    func isolationScopeLimitsAndDeletion(kind: Kind) async throws {
        try await withStore(kind) { fixture in
            let ingestion = fixture.server.services.ingestion
            #expect(fixture.server.services.vectors?.name == kind.rawValue)
            let secret = try await ingestion.ingest(SourceInput(kind: .text, title: "A secret", payload: .text("alpha vault combination seven")), tenant: fixture.a.id)
            #expect(secret.source.status == .indexed, "\(secret.source.failureReason ?? "")")
            for number in 0 ..< 12 {
                _ = try await ingestion.ingest(SourceInput(kind: .text, title: "B \(number)", payload: .text("bravo document number \(number) about vaults")), tenant: fixture.b.id)
            }
            let scoped = try await ingestion.ingest(SourceInput(kind: .text, title: "Support only", agentCode: "support",
                                                                payload: .text("alpha vault support procedure")), tenant: fixture.a.id)
            #expect(scoped.source.status == .indexed)

            let forA = try await dense(fixture, fixture.a, "alpha vault combination")
            #expect(forA.map(\.title) == ["A secret"], "the sales agent sees A's tenant-wide chunk only")
            let forSupport = try await dense(fixture, fixture.a, "alpha vault support", agent: "support")
            #expect(Set(forSupport.map(\.title)) == ["A secret", "Support only"])
            let forB = try await dense(fixture, fixture.b, "alpha vault combination seven", k: 10)
            #expect(forB.count == 10, "a filtered query still returns k rows")
            #expect(forB.allSatisfy { $0.title.hasPrefix("B ") })

            #expect(try await ingestion.delete(secret.source.id, tenant: fixture.b.id) == false)
            #expect(try await ingestion.delete(secret.source.id, tenant: fixture.a.id))
            #expect(try await dense(fixture, fixture.a, "alpha vault combination").map(\.title) == [])
            if let pinecone = fixture.pinecone {
                #expect(await pinecone.count(namespace: "parley-test-t-\(fixture.a.id)") == 1)
                #expect(await pinecone.count(namespace: "parley-test-t-\(fixture.b.id)") == 12)
            }
            if kind == .pgvector {
                #expect(try await fixture.server.rowCount("chunk_vectors_d64") == 13)
            }

            // The reload loop may apply a deletion before the deleting request removes the
            // vectors (it forgets the chunks, and leaves a shared store alone): they still go.
            let raced = try await ingestion.ingest(SourceInput(kind: .text, title: "Raced", payload: .text("charlie raced deletion")), tenant: fixture.b.id)
            try await fixture.server.services.knowledge.synchronize(source: raced.source.id, tenant: fixture.b.id, to: [])
            #expect(try await ingestion.delete(raced.source.id, tenant: fixture.b.id))
            if let pinecone = fixture.pinecone {
                #expect(await pinecone.count(namespace: "parley-test-t-\(fixture.b.id)") == 12)
            }
            if kind == .pgvector {
                #expect(try await fixture.server.rowCount("chunk_vectors_d64") == 13)
            }
        }
    }

    @Test func pineconeRetriesTransientErrorsAndFailsCleanlyOnOthers() async throws {
        try await withStore(.pinecone) { fixture in
            let pinecone = try #require(fixture.pinecone)
            let ingestion = fixture.server.services.ingestion
            await pinecone.failNext([429, 503])
            let retried = try await ingestion.ingest(SourceInput(kind: .text, title: "Retry", payload: .text("charlie retry text")), tenant: fixture.a.id)
            #expect(retried.source.status == .indexed)
            #expect(try await dense(fixture, fixture.a, "charlie retry").map(\.title) == ["Retry"])

            await pinecone.failNext([400])
            let failed = try await ingestion.ingest(SourceInput(kind: .text, title: "Refused", payload: .text("delta refused text")), tenant: fixture.a.id)
            #expect(failed.source.status == .failed)
            #expect(failed.source.failureReason?.contains("index could not be updated") == true)
            #expect(try await ingestion.store.chunkIDs(of: failed.source.id, tenant: fixture.a.id).isEmpty, "no chunk without its vector")
            // The index follower may have loaded the chunks in the moment they existed; it follows their removal too.
            let gone = try await eventually {
                try await fixture.server.services.knowledge.retrieve(RetrievalQuery(tenantID: fixture.a.id, agentCode: "sales", text: "delta refused", topK: 5, mode: .lexical)).isEmpty
            }
            #expect(gone)
        }
    }

    @Test func pgvectorIndexesSurviveARestartAndRepairMissingVectors() async throws {
        let database = try await TestDatabase.make(.postgres)
        defer { Task { await database.destroy() } }
        let embedder = HashingEmbedder(dimension: 64)
        var server = try await ParleyTestServer.start(database, embedder: embedder) { $0.app.seedDemo = false }
        #expect(server.services.vectors?.name == "pgvector", "auto picks pgvector on PostgreSQL with the extension")
        let tenant = try await server.services.provisioner(server.stores).createTenant(name: "R", slug: "restart").tenant
        _ = try await server.services.ingestion.ingest(SourceInput(kind: .text, title: "Kept", payload: .text("echo persistent vector")), tenant: tenant.id)
        _ = try await server.services.ingestion.ingest(SourceInput(kind: .text, title: "Lost", payload: .text("foxtrot vector lost in a crash")), tenant: tenant.id)
        // Simulate a crash between the chunk write and the vector write.
        let sql = try #require(server.app.db(.parley) as? any SQLDatabase)
        try await sql.raw("DELETE FROM chunk_vectors_d64 WHERE chunk_id IN (SELECT id FROM chunks WHERE title = 'Lost')").run()
        await server.stop()
        server = try await ParleyTestServer.start(database, embedder: embedder) { $0.app.seedDemo = false }
        let query = RetrievalQuery(tenantID: tenant.id, agentCode: "sales", text: "foxtrot vector lost", topK: 1, mode: .dense)
        #expect(try await server.services.knowledge.retrieve(query).map(\.title) == ["Lost"])
        #expect(try await server.rowCount("chunk_vectors_d64") == 2)
        await server.stop()
    }
}
