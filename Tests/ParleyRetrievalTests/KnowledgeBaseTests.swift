import Foundation
import ParleyCore
import ParleyRetrieval
import ParleyTestSupport
import Testing

@Suite("Knowledge base")
struct KnowledgeBaseTests {
    let tenantA = TenantID(), tenantB = TenantID()

    func chunk(_ tenant: TenantID, _ text: String, agent: String? = nil, title: String = "Doc") -> StoredChunk {
        let embedder = HashingEmbedder()
        let chunk = KnowledgeChunk(tenantID: tenant, sourceID: SourceID(), agentCode: agent, position: 0, text: text,
                                   title: title, url: "https://example.test/\(title)", headingPath: [])
        return StoredChunk(chunk: chunk, vector: EmbeddingVector(values: embedder.vector(text), model: embedder.model))
    }

    func base() -> KnowledgeBase {
        KnowledgeBase(embedder: HashingEmbedder(), vectors: EmbeddedVectorStore())
    }

    @Test(arguments: RetrievalMode.allCases.filter { $0 != .off })
    func oneTenantNeverSeesAnothersChunks(mode: RetrievalMode) async throws {
        let knowledge = base()
        try await knowledge.add([chunk(tenantA, "Our refund policy allows returns within 30 days"),
                                 chunk(tenantB, "Refund policy of tenant B: returns within 90 days")])
        let forA = try await knowledge.retrieve(RetrievalQuery(tenantID: tenantA, agentCode: "sales", text: "refund policy returns days", topK: 10, mode: mode))
        #expect(forA.count == 1)
        #expect(forA[0].text.contains("30 days"))
        let forC = try await knowledge.retrieve(RetrievalQuery(tenantID: TenantID(), agentCode: "sales", text: "refund policy", topK: 10, mode: mode))
        #expect(forC.isEmpty)
    }

    @Test func eachTenantsHybridRetrievalUsesItsOwnFittedWeight() async throws {
        let knowledge = base()
        let texts = ["pricing plans start at ten euros a month", "monthly pricing is billed in euros", "our office is in Berlin"]
        try await knowledge.add(texts.map { chunk(tenantA, $0) } + texts.map { chunk(tenantB, $0) })
        func scores(_ tenant: TenantID, _ mode: RetrievalMode) async throws -> [Double] {
            try await knowledge.retrieve(RetrievalQuery(tenantID: tenant, agentCode: "sales", text: "pricing euros office", topK: 3, mode: mode)).map(\.score)
        }
        await knowledge.setDenseWeight(1, tenant: tenantA)
        #expect(await knowledge.fusion(for: tenantA).alpha == 1)
        // A fitted weight is used as it is; the configured one still moves with each question's spreads.
        #expect(await knowledge.fusion(for: tenantA).adaptsToSpread == false)
        #expect(await knowledge.fusion(for: tenantB).adaptsToSpread == true)
        // With all the weight on the dense list, A's hybrid scores are its cosines; B keeps 0.5.
        #expect(try await scores(tenantA, .hybrid) == scores(tenantA, .dense))
        #expect(await knowledge.fusion(for: tenantB).alpha == 0.5)
        #expect(try await scores(tenantB, .hybrid) != scores(tenantB, .dense))
        await knowledge.setDenseWeight(nil, tenant: tenantA)
        #expect(try await scores(tenantA, .hybrid) == scores(tenantB, .hybrid))
        await knowledge.setDenseWeight(7, tenant: tenantA)
        #expect(await knowledge.fusion(for: tenantA).alpha == 1, "weights are clamped to [0, 1]")
    }

    @Test func decisivenessMeasuresEachQuestionOnTheTenantsOwnIndexAsItsAgentSeesIt() async throws {
        let knowledge = base()
        try await knowledge.add([chunk(tenantA, "pricing plans start at ten euros a month"), chunk(tenantA, "our office is in Berlin"),
                                 chunk(tenantA, "warranty claims for the sales team only", agent: "sales"),
                                 chunk(tenantB, "pricing plans start at ten euros a month"), chunk(tenantB, "pricing of plans in euros")])
        let margins = try await knowledge.decisiveness(of: [("pricing plans euros", "support"), ("   ", "support"), ("warranty claims", "support"),
                                                            ("warranty claims", "sales")], tenant: tenantA)
        #expect(margins.count == 3, "the blank question is skipped")
        // Each margin is what the two candidate lists of that question say, on the fusion's scales.
        let pricing = try await knowledge.hybridCandidates(RetrievalQuery(tenantID: tenantA, agentCode: "support", text: "pricing plans euros", topK: 100))
        #expect(margins[0] == .init(lexical: pricing.lexical, dense: pricing.dense, lexicalCeiling: pricing.lexicalCeiling))
        #expect(margins[0].lexical > 0 && margins[0].dense > 0)
        // The support agent does not see the sales chunk: no word of "warranty claims" matches anything it sees.
        #expect(margins[1].lexical == 0)
        #expect(margins[2].lexical > 0, "the sales agent finds it by its words")
    }

    @Test func explanationIsTheChatsRankingWithEachRankingsPlaces() async throws {
        let knowledge = base()
        try await knowledge.add([chunk(tenantA, "pricing plans start at ten euros a month", title: "pricing"),
                                 chunk(tenantA, "our office is in Berlin near the river", title: "office"),
                                 chunk(tenantA, "monthly pricing is billed in euros", title: "billing"),
                                 chunk(tenantB, "pricing plans of tenant B", title: "b")])
        let query = RetrievalQuery(tenantID: tenantA, agentCode: "sales", text: "pricing plans euros", topK: 2, mode: .hybrid)
        let explained = try await knowledge.explain(query)
        let retrieved = try await knowledge.retrieve(query)
        #expect(explained.mode == .hybrid)
        #expect(explained.passages.map(\.chunk.id.description) == retrieved.map(\.chunkID))
        #expect(explained.passages.map(\.score) == retrieved.map(\.score))
        // Hybrid ran both rankings over tenant A's candidates only (3 chunks, the lexical one
        // only those sharing a word with the question).
        #expect(explained.denseCandidates == 3 && explained.lexicalCandidates == 2)
        for passage in explained.passages {
            #expect(passage.dense != nil && passage.chunk.tenantID == tenantA)
        }
        let best = try #require(explained.passages.first)
        #expect(best.lexical?.rank == 1 && (best.lexical?.score ?? 0) > 0, "the passage with every query word ranks first lexically")
        #expect(best.chunk.title == "pricing")
        // A lexical query names no dense places; off explains nothing.
        let lexical = try await knowledge.explain(RetrievalQuery(tenantID: tenantA, agentCode: "sales", text: "pricing", topK: 5, mode: .lexical))
        #expect(lexical.mode == .lexical && lexical.passages.allSatisfy { $0.dense == nil && $0.lexical != nil } && lexical.denseCandidates == 0)
        #expect(try await knowledge.explain(RetrievalQuery(tenantID: tenantA, agentCode: "sales", text: "pricing", topK: 5, mode: .off)).passages.isEmpty)
    }

    @Test func removingOnlyAffectsTheOwningTenant() async throws {
        let knowledge = base()
        let a = chunk(tenantA, "shipping to Canada takes five days")
        try await knowledge.add([a])
        // Tenant B cannot delete tenant A's chunk by guessing its id.
        try await knowledge.remove([a.chunk.id], tenant: tenantB)
        #expect(await knowledge.chunkCount(tenant: tenantA) == 1)
        try await knowledge.remove([a.chunk.id], tenant: tenantA)
        #expect(await knowledge.chunkCount(tenant: tenantA) == 0)
        let after = try await knowledge.retrieve(RetrievalQuery(tenantID: tenantA, agentCode: "sales", text: "shipping Canada", topK: 5))
        #expect(after.isEmpty)
    }

    @Test func agentScopedChunksOnlyReachTheirAgent() async throws {
        let knowledge = base()
        try await knowledge.add([chunk(tenantA, "warranty covers two years", agent: "support"),
                                 chunk(tenantA, "warranty extension can be bought", agent: nil)])
        let sales = try await knowledge.retrieve(RetrievalQuery(tenantID: tenantA, agentCode: "sales", text: "warranty", topK: 5))
        let support = try await knowledge.retrieve(RetrievalQuery(tenantID: tenantA, agentCode: "support", text: "warranty", topK: 5))
        #expect(sales.count == 1)
        #expect(support.count == 2)
    }

    @Test func hybridFusesBothRankingsAndOffFindsNothing() async throws {
        let knowledge = base()
        let items = [chunk(tenantA, "pricing plans start at ten euros a month", title: "pricing"),
                     chunk(tenantA, "our office is in Berlin near the river", title: "office"),
                     chunk(tenantA, "support answers e-mail within a day", title: "support")]
        try await knowledge.add(items)
        let hybrid = try await knowledge.retrieve(RetrievalQuery(tenantID: tenantA, agentCode: "sales", text: "how much are the pricing plans", topK: 2, mode: .hybrid))
        #expect(hybrid.first?.title == "pricing")
        #expect(hybrid.first?.url == "https://example.test/pricing")
        #expect(hybrid.first?.chunkID == items[0].chunk.id.description)
        #expect(hybrid.count <= 2)
        let off = try await knowledge.retrieve(RetrievalQuery(tenantID: tenantA, agentCode: "sales", text: "pricing", topK: 2, mode: .off))
        #expect(off.isEmpty)
        let strict = try await knowledge.retrieve(RetrievalQuery(tenantID: tenantA, agentCode: "sales", text: "pricing plans", topK: 3, mode: .dense, minScore: 0.99))
        #expect(strict.isEmpty)
    }

    @Test func withoutAnEmbedderEveryModeIsLexical() async throws {
        let knowledge = KnowledgeBase(embedder: nil, vectors: EmbeddedVectorStore())
        #expect(knowledge.name == "lexical")
        try await knowledge.add([chunk(tenantA, "parking is free for visitors")])
        let dense = try await knowledge.retrieve(RetrievalQuery(tenantID: tenantA, agentCode: "sales", text: "free parking", topK: 3, mode: .dense))
        #expect(dense.count == 1)
    }

    @Test func aStoreRefusesVectorsOfAnotherModel() async throws {
        let store = EmbeddedVectorStore()
        try await store.upsert([VectorEntry(chunkID: ChunkID(), tenantID: tenantA, agentCode: nil,
                                            vector: EmbeddingVector(values: [1, 0], model: .init(name: "m1", dimension: 2)))])
        await #expect(throws: VectorStoreError.self) {
            try await store.upsert([VectorEntry(chunkID: ChunkID(), tenantID: tenantA, agentCode: nil,
                                                vector: EmbeddingVector(values: [1, 0, 0], model: .init(name: "m2", dimension: 3)))])
        }
        await #expect(throws: VectorStoreError.self) {
            try await store.search(EmbeddingVector(values: [1, 0, 0], model: .init(name: "m2", dimension: 3)), tenant: tenantA, agent: nil, limit: 1)
        }
    }
}
