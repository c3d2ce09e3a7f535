import Foundation
import ParleyChat
import ParleyCore
@testable import ParleyIngest
import ParleyRetrieval
import ParleyServer
import ParleyTestSupport
import Testing

@Suite("FAQ-aware indexing")
struct FAQVectorTests {
    @Test(arguments: TestBackend.available)
    func aChunkThatAnswersAQuestionHasItsQuestionBlendedIntoItsVector(backend: TestBackend) async throws {
        let embedder = HashingEmbedder()
        try await ParleyTestServer.with(backend, embedder: embedder, adjust: { $0.app.seedDemo = false }) { server in
            let tenant = try await server.services.provisioner(server.stores).createTenant(name: "Shop", slug: "shop").tenant
            let ingestion = server.services.ingestion
            let faq = #"[{"question": "Do you deliver on Sundays?", "answer": "No, parcels go out Monday to Saturday."}]"#
            let page = "<html><body><h1>Care</h1><h2>Can I wash the cover?</h2><p>Yes, at 30 degrees.</p><h2>Storage</h2><p>Keep it dry in winter.</p></body></html>"
            for input in [SourceInput(kind: .faq, locator: "faq.json", payload: .file(Data(faq.utf8))),
                          SourceInput(kind: .html, locator: "care.html", payload: .file(Data(page.utf8)))] {
                #expect(try await ingestion.ingest(input, tenant: tenant.id).source.status == .indexed)
            }
            let stored = try await ingestion.store.allChunks(after: nil, limit: 100).filter { $0.chunk.tenantID == tenant.id }
            #expect(stored.count == 3)
            #expect(Set(stored.compactMap(\.chunk.answeredQuestion)) == ["Do you deliver on Sundays?", "Can I wash the cover?"])
            for item in stored {
                let own = EmbeddingVector(values: embedder.vector(IngestionService.embeddingText(item.chunk)), model: embedder.model)
                let expected = item.chunk.answeredQuestion.map {
                    IngestionService.blend(own, EmbeddingVector(values: embedder.vector($0), model: embedder.model))
                } ?? own
                let vector = try #require(item.vector)
                #expect(zip(vector.values, expected.values).allSatisfy { abs($0 - $1) < 1e-5 }, "\(item.chunk.headingPath)")
                if item.chunk.answeredQuestion != nil { #expect(vector.values != own.values) }
            }
        }
    }

    @Test func theBlendIsTheNormalisedMean() {
        let model = EmbeddingModelInfo(name: "m", dimension: 2)
        let blended = IngestionService.blend(EmbeddingVector(values: [1, 0], model: model), EmbeddingVector(values: [0, 1], model: model))
        #expect(abs(blended.values[0] - Float(0.5).squareRoot()) < 1e-6 && abs(blended.values[1] - Float(0.5).squareRoot()) < 1e-6)
        #expect(blended.model == model)
    }

    @Test func onlyAHeadingThatIsAQuestionCounts() {
        func chunk(_ path: [String]) -> KnowledgeChunk {
            KnowledgeChunk(tenantID: TenantID(), sourceID: SourceID(), agentCode: nil, position: 0, text: "t", title: "T", url: nil, headingPath: path)
        }
        #expect(chunk(["Help", "How do I pay? "]).answeredQuestion == "How do I pay?")
        #expect(chunk(["Is it safe?", "Details"]).answeredQuestion == nil, "only the innermost heading")
        #expect(chunk([]).answeredQuestion == nil)
        #expect(chunk(["?"]).answeredQuestion == nil)
        // A chunk without headings answers its title's question, if the title is one.
        var article = chunk([])
        article.title = "How do I reset my password?"
        #expect(article.answeredQuestion == "How do I reset my password?")
        article.headingPath = ["Steps"]
        #expect(article.answeredQuestion == nil, "a section of it answers its own heading")
    }
}
