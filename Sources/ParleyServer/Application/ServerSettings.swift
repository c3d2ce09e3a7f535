import Foundation
import ParleyCore

/// Everything `configure` needs: the loaded configuration and secrets, plus the few seams
/// that tests and benchmarks use (a retriever to plug in, a fixed listening port).
public struct ServerSettings: Sendable {
    public var config: ParleyConfig
    public var secrets: ParleySecrets
    /// Replaces the no-op retriever (used until the knowledge base is configured).
    public var retriever: (any Retriever)?
    /// Replaces the embedder `embeddings.provider` selects (tests use a fast deterministic one).
    public var embedder: (any Embedder)?
    /// Rebuild the in-memory indexes from the database at start (the server does; one-shot CLI
    /// commands that do not search skip it).
    public var loadsKnowledge = true
    /// Load the embedder (and pick the vector store it needs). Commands that never embed
    /// (`tenant …`, `migrate`) turn it off, so they start fast and work without the model.
    public var usesEmbeddings = true
    /// Create the demo tenant (`app.seed_demo`) and sync the agent catalogue at start.
    /// `migrate` turns it off: it only changes the schema.
    public var seeds = true
    /// The time rate limits count in (tests hold it still, so that no window ends mid-test).
    public var clock: @Sendable () -> Date = Date.init

    public init(config: ParleyConfig, secrets: ParleySecrets, retriever: (any Retriever)? = nil, embedder: (any Embedder)? = nil) {
        self.config = config
        self.secrets = secrets
        self.retriever = retriever
        self.embedder = embedder
    }
}
