import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ParleyCore

/// A `VectorStore` on Pinecone's REST data plane (`/vectors/upsert`, `/query`, `/vectors/delete`
/// on the index host). Each tenant is its own namespace, so a query cannot reach another
/// tenant's vectors; the agent scope is a metadata filter. Rate limits and server errors are
/// retried with backoff.
public struct PineconeVectorStore: VectorStore {
    public struct Settings: Sendable {
        public var host: URL
        public var apiKey: String
        /// Prefix of every namespace (the index name by default), so indexes can be shared.
        public var namespacePrefix: String
        public var model: EmbeddingModelInfo
        public var retry: RetryPolicy
        public var timeout: Duration
        /// Vectors per upsert request (Pinecone allows up to 1000 and 2 MB).
        public var batchSize: Int

        public init(host: URL, apiKey: String, namespacePrefix: String, model: EmbeddingModelInfo,
                    retry: RetryPolicy = RetryPolicy(maxRetries: 3, baseDelay: .milliseconds(200)),
                    timeout: Duration = .seconds(30), batchSize: Int = 100) {
            self.host = host
            self.apiKey = apiKey
            self.namespacePrefix = namespacePrefix
            self.model = model
            self.retry = retry
            self.timeout = timeout
            self.batchSize = max(1, min(batchSize, 1000))
        }
    }

    public var name: String { "pinecone" }
    public var isShared: Bool { true }
    public let settings: Settings
    private let client: HTTPClient
    private let logger = Logger(label: "parley.pinecone")

    public init(settings: Settings, client: HTTPClient) {
        self.settings = settings
        self.client = client
    }

    /// The namespace of a tenant.
    public func namespace(_ tenant: TenantID) -> String {
        settings.namespacePrefix.isEmpty ? "t-\(tenant)" : "\(settings.namespacePrefix)-t-\(tenant)"
    }

    struct Vector: Codable {
        var id: String
        var values: [Float]
        var metadata: [String: String]
    }

    struct UpsertBody: Codable {
        var vectors: [Vector]
        var namespace: String
    }

    struct QueryBody: Codable {
        var namespace: String
        var vector: [Float]
        var topK: Int
        var filter: [String: [String: [String]]]
        var includeValues = false
        var includeMetadata = false
    }

    struct QueryReply: Codable {
        struct Match: Codable {
            var id: String
            var score: Double
        }
        var matches: [Match]
    }

    struct DeleteBody: Codable {
        var ids: [String]
        var namespace: String
    }

    public func upsert(_ entries: [VectorEntry]) async throws {
        for entry in entries where entry.vector.model != settings.model {
            throw VectorStoreError.modelMismatch(stored: settings.model, query: entry.vector.model)
        }
        for tenant in Set(entries.map(\.tenantID)) {
            let mine = entries.filter { $0.tenantID == tenant }
            for start in stride(from: 0, to: mine.count, by: settings.batchSize) {
                let batch = mine[start ..< min(start + settings.batchSize, mine.count)].map {
                    Vector(id: $0.chunkID.description, values: $0.vector.values,
                           metadata: ["agent": $0.agentCode ?? "", "model": settings.model.name])
                }
                _ = try await post("/vectors/upsert", UpsertBody(vectors: batch, namespace: namespace(tenant)))
            }
        }
    }

    public func delete(_ ids: [ChunkID], tenant: TenantID) async throws {
        for start in stride(from: 0, to: ids.count, by: 1000) {
            let batch = ids[start ..< min(start + 1000, ids.count)].map(\.description)
            _ = try await post("/vectors/delete", DeleteBody(ids: batch, namespace: namespace(tenant)))
        }
    }

    public func search(_ vector: EmbeddingVector, tenant: TenantID, agent: String?, limit: Int) async throws -> [ScoredChunkID] {
        guard vector.model == settings.model else {
            throw VectorStoreError.modelMismatch(stored: settings.model, query: vector.model)
        }
        guard limit > 0 else { return [] }
        let body = QueryBody(namespace: namespace(tenant), vector: vector.values, topK: min(limit, 10_000),
                             filter: ["agent": ["$in": ["", agent ?? ""]]])
        let data = try await post("/query", body)
        guard let reply = try? JSONDecoder().decode(QueryReply.self, from: data) else {
            throw PineconeError(status: 200, message: "the query answer is not the JSON Pinecone sends")
        }
        return reply.matches.compactMap { match in ChunkID(string: match.id).map { ScoredChunkID(id: $0, score: match.score) } }
    }

    private func post(_ path: String, _ body: some Encodable) async throws -> Data {
        let payload = try JSONEncoder().encode(body)
        var attempt = 0
        while true {
            attempt += 1
            var request = HTTPClientRequest(url: settings.host.absoluteString.trimmingTrailingSlash + path)
            request.method = .POST
            request.headers.add(name: "Api-Key", value: settings.apiKey)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "X-Pinecone-API-Version", value: "2024-07")
            request.body = .bytes(ByteBuffer(bytes: payload))
            let status: Int
            let data: Data
            do {
                let response = try await client.execute(request, timeout: .milliseconds(Int64(settings.timeout.milliseconds)))
                status = Int(response.status.code)
                data = Data(try await response.body.collect(upTo: 16 << 20).readableBytesView)
            } catch {
                guard attempt <= settings.retry.maxRetries else { throw PineconeError(status: 0, message: "Pinecone could not be reached") }
                try await Task.sleep(for: settings.retry.delay(beforeRetry: attempt))
                continue
            }
            if (200 ..< 300).contains(status) { return data }
            if RetryPolicy.isRetryable(status: status), attempt <= settings.retry.maxRetries {
                logger.warning("Pinecone request failed; retrying", metadata: ["event": "pinecone_retry", "status": "\(status)"])
                try await Task.sleep(for: settings.retry.delay(beforeRetry: attempt))
                continue
            }
            throw PineconeError(status: status, message: "Pinecone answered HTTP \(status)")
        }
    }
}

/// A failed Pinecone call; the message never includes the API key or the request.
public struct PineconeError: Error, ParleyErrorConvertible, CustomStringConvertible {
    public var status: Int
    public var message: String

    public var description: String { message }
    public var parleyError: ParleyError { .upstream("vector_store_unavailable", "The knowledge base's vector store is unavailable.") }
}

extension String {
    fileprivate var trimmingTrailingSlash: String { hasSuffix("/") ? String(dropLast()) : self }
}
