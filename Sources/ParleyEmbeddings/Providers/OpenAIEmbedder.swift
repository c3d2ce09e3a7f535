import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ParleyCore
import Metrics

/// An `Embedder` for OpenAI-compatible `POST {base}/embeddings` APIs (text-embedding-3-small by
/// default): batched, retried with jittered backoff on 429, 5xx and connection errors, and
/// metered (tokens reported by the provider are added to `usage`).
public final class OpenAIEmbedder: Embedder, Sendable {
    public struct Settings: Sendable {
        public var baseURL: String
        public var apiKey: String?
        public var model: String
        public var dimension: Int
        public var batchSize: Int
        public var retry: RetryPolicy
        public var timeout: Duration

        public init(baseURL: String, apiKey: String?, model: String, dimension: Int, batchSize: Int = 96,
                    retry: RetryPolicy = RetryPolicy(maxRetries: 3, baseDelay: .milliseconds(250)), timeout: Duration = .seconds(60)) {
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.model = model
            self.dimension = dimension
            self.batchSize = batchSize
            self.retry = retry
            self.timeout = timeout
        }
    }

    /// Tokens the provider reported, for cost reporting.
    public actor UsageMeter {
        public private(set) var promptTokens = 0
        public private(set) var requests = 0
        func add(tokens: Int) {
            promptTokens += tokens
            requests += 1
        }
    }

    public let model: EmbeddingModelInfo
    public let usage = UsageMeter()
    private let settings: Settings
    private let client: HTTPClient
    private let logger: Logger

    public init(settings: Settings, client: HTTPClient, logger: Logger = Logger(label: "parley.embeddings")) {
        self.settings = settings
        self.client = client
        self.logger = logger
        model = EmbeddingModelInfo(name: settings.model, dimension: settings.dimension)
    }

    struct ResponseBody: Decodable {
        struct Item: Decodable {
            var embedding: [Float]
            var index: Int
        }
        struct Usage: Decodable {
            var promptTokens: Int?
            enum CodingKeys: String, CodingKey { case promptTokens = "prompt_tokens" }
        }
        var data: [Item]
        var usage: Usage?
    }

    public func embed(_ texts: [String]) async throws -> [EmbeddingVector] {
        let started = ContinuousClock.now
        defer { EmbeddingMetrics.record(provider: "api", texts: texts.count, since: started) }
        var vectors: [EmbeddingVector] = []
        vectors.reserveCapacity(texts.count)
        var start = 0
        while start < texts.count {
            let batch = Array(texts[start..<min(texts.count, start + max(1, settings.batchSize))])
            vectors += try await embedBatch(batch).map { EmbeddingVector(values: $0, model: model) }
            start += batch.count
        }
        return vectors
    }

    private func embedBatch(_ texts: [String]) async throws -> [[Float]] {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await attemptBatch(texts)
            } catch let failure as RetryableFailure where attempt <= settings.retry.maxRetries {
                logger.warning("embedding request failed; retrying", metadata: ["event": "embedding_retry", "status": "\(failure.status)"])
                try await Task.sleep(for: settings.retry.delay(beforeRetry: attempt))
            } catch let failure as RetryableFailure {
                throw EmbeddingError.provider("HTTP \(failure.status) after \(attempt) attempts")
            }
        }
    }

    struct RetryableFailure: Error {
        var status: Int
    }

    private func attemptBatch(_ texts: [String]) async throws -> [[Float]] {
        var request = HTTPClientRequest(url: settings.baseURL.hasSuffix("/") ? settings.baseURL + "embeddings" : settings.baseURL + "/embeddings")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let key = settings.apiKey { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        let body: [String: JSONValue] = ["model": .string(settings.model), "input": .array(texts.map(JSONValue.string))]
        request.body = .bytes(ByteBuffer(bytes: Data(JSONValue.object(body).jsonString.utf8)))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(Int64(settings.timeout.components.seconds)))
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw RetryableFailure(status: 0)
        }
        let data = try await response.body.collect(upTo: 256 << 20)
        let status = Int(response.status.code)
        if RetryPolicy.isRetryable(status: status) { throw RetryableFailure(status: status) }
        guard status == 200 else { throw EmbeddingError.provider("HTTP \(status)") }
        guard let decoded = try? JSONDecoder().decode(ResponseBody.self, from: Data(data.readableBytesView)),
              decoded.data.count == texts.count else {
            throw EmbeddingError.provider("the response is not an embeddings list for \(texts.count) inputs")
        }
        if let tokens = decoded.usage?.promptTokens { await usage.add(tokens: tokens) }
        let ordered = decoded.data.sorted { $0.index < $1.index }.map(\.embedding)
        guard ordered.allSatisfy({ $0.count == settings.dimension }) else {
            throw EmbeddingError.provider("vectors are not \(settings.dimension)-dimensional (embeddings.openai.dimension)")
        }
        return ordered.map(Self.normalized)
    }

    static func normalized(_ vector: [Float]) -> [Float] {
        let norm = vector.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }
}
