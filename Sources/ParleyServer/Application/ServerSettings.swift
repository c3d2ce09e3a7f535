import Foundation
import ParleyCore

/// Everything `configure` needs: the loaded configuration and secrets, plus the few seams
/// that tests and benchmarks use (a retriever to plug in, a fixed listening port).
public struct ServerSettings: Sendable {
    public var config: ParleyConfig
    public var secrets: ParleySecrets
    /// Replaces the no-op retriever (used until the knowledge base is configured).
    public var retriever: (any Retriever)?

    public init(config: ParleyConfig, secrets: ParleySecrets, retriever: (any Retriever)? = nil) {
        self.config = config
        self.secrets = secrets
        self.retriever = retriever
    }
}
