import AsyncHTTPClient
import Foundation
import ParleyCore
import ParleyEmbeddings

/// Builds the embedder `embeddings.provider` names. A missing or corrupt local model stops
/// start-up with a message naming the path and the install command.
enum EmbedderSelection {
    static func make(config: ParleyConfig, secrets: ParleySecrets, client: HTTPClient) throws -> (any Embedder)? {
        switch config.embeddings.provider {
        case "none":
            return nil
        case "local":
            do {
                let encoder = try SentenceEncoderModel(folder: ModelLocator.locate(configuredPath: config.embeddings.local.path),
                                                       name: config.embeddings.model)
                return LocalEmbedder(encoder: encoder)
            } catch let error as EmbeddingError {
                throw ConfigError(error.description)
            }
        case "openai":
            let remote = config.embeddings.openai
            return OpenAIEmbedder(settings: .init(baseURL: remote.baseURL, apiKey: secrets.embeddingsAPIKey, model: remote.model,
                                                  dimension: remote.dimension, batchSize: remote.batchSize),
                                  client: client)
        default:
            throw ConfigError("embeddings.provider: expected local, openai or none, got '\(config.embeddings.provider)'")
        }
    }
}
