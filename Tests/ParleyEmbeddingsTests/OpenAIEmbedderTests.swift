import AsyncHTTPClient
import Foundation
import ParleyCore
import ParleyEmbeddings
import ParleyTestSupport
import Testing

/// The embeddings API client against a real local fake server.
@Suite("OpenAI-compatible embeddings")
struct OpenAIEmbedderTests {
    @Test func batchesRetriesOrdersAndMeters() async throws {
        let fake = try await FakeOpenAIServer.start()
        await fake.failEmbeddings(429, 503)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let embedder = OpenAIEmbedder(
            settings: .init(baseURL: fake.baseURL, apiKey: "sk-embed-key-123456", model: "text-embedding-3-small",
                            dimension: 8, batchSize: 2, retry: RetryPolicy(maxRetries: 3, baseDelay: .milliseconds(5))),
            client: client)
        let texts = ["one two", "three", "four five six", "seven", "eight"]
        let vectors = try await embedder.embed(texts)
        let requests = await fake.embeddingRequests()
        let tokens = await embedder.usage.promptTokens
        try await client.shutdown()
        await fake.stop()

        #expect(vectors.count == 5)
        for (index, text) in texts.enumerated() {
            let expected = FakeOpenAIServer.fakeEmbedding(text)
            let norm = expected.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let difference = zip(vectors[index].values, expected.map { $0 / norm }).map { abs($0 - $1) }.max() ?? 1
            #expect(difference < 1e-6)
            #expect(vectors[index].model == EmbeddingModelInfo(name: "text-embedding-3-small", dimension: 8))
        }
        // Three batches of at most two, the first tried three times.
        #expect(requests.count == 5)
        #expect(requests.last?.body["input"]?.arrayValue?.count == 1)
        #expect(requests.first?.authorization == "Bearer sk-embed-key-123456")
        #expect(tokens == 8)
    }

    @Test func persistentFailureAndWrongDimensionAreClearErrors() async throws {
        let fake = try await FakeOpenAIServer.start()
        await fake.failEmbeddings(500, 500, 500)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let flaky = OpenAIEmbedder(settings: .init(baseURL: fake.baseURL, apiKey: nil, model: "m", dimension: 8,
                                                   retry: RetryPolicy(maxRetries: 2, baseDelay: .milliseconds(5))), client: client)
        await #expect(throws: EmbeddingError.self) { try await flaky.embed(["x"]) }
        let wrongSize = OpenAIEmbedder(settings: .init(baseURL: fake.baseURL, apiKey: nil, model: "m", dimension: 1536,
                                                       retry: RetryPolicy(maxRetries: 0, baseDelay: .milliseconds(5))), client: client)
        await #expect(throws: EmbeddingError.self) { try await wrongSize.embed(["x"]) }
        try await client.shutdown()
        await fake.stop()
    }
}
