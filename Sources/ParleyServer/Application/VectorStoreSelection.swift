import AsyncHTTPClient
import FluentKit
import Foundation
import ParleyCore
import ParleyIngest
import ParleyRetrieval
import ParleyStore

/// Builds the vector store `vector.store` names.
enum VectorStoreSelection {
    static func make(config: ParleyConfig, secrets: ParleySecrets, embedder: (any Embedder)?, database: any Database,
                     client: HTTPClient) async throws -> any VectorStore {
        guard let embedder else { return EmbeddedVectorStore() }
        switch config.vector.store {
        case "embedded":
            return EmbeddedVectorStore()
        case "auto":
            guard DatabaseSelection.kind(secrets: secrets) == .postgres, await PgVectorStore.isAvailable(database) else {
                return EmbeddedVectorStore()
            }
            return try await PgVectorStore(database: database, model: embedder.model)
        case "pgvector":
            guard DatabaseSelection.kind(secrets: secrets) == .postgres, await PgVectorStore.isAvailable(database) else {
                throw ConfigError("vector.store: pgvector needs DATABASE_URL to point at a PostgreSQL server with the vector extension")
            }
            return try await PgVectorStore(database: database, model: embedder.model)
        case "pinecone":
            let pinecone = config.vector.pinecone
            guard let key = secrets.pineconeAPIKey, !key.isEmpty else {
                throw ConfigError("vector.store: pinecone needs PINECONE_API_KEY in the environment")
            }
            guard let host = URL(string: pinecone.host), host.scheme == "https" || host.scheme == "http", host.host != nil else {
                throw ConfigError("vector.pinecone.host: the index host URL from the Pinecone console is required (https://INDEX-PROJECT.svc.ENV.pinecone.io)")
            }
            return PineconeVectorStore(settings: .init(host: host, apiKey: key, namespacePrefix: pinecone.indexName, model: embedder.model),
                                       client: client)
        default:
            throw ConfigError("vector.store: expected auto, embedded, pgvector or pinecone, got '\(config.vector.store)'")
        }
    }
}
