import Foundation

/// Credentials, read only from the environment or `.env`, never from parley.yaml,
/// and never printed: `description` shows which are set, not their values.
public struct ParleySecrets: Sendable, Equatable, CustomStringConvertible {
    public var llmAPIKey: String?
    public var databaseURL: String?
    /// Signs stream ids. When unset, a random key is generated and kept under `app.data_dir`.
    public var serverSecret: String?
    public var embeddingsAPIKey: String?
    public var mailgunAPIKey: String?
    /// Checks the signatures of Mailgun's delivery webhooks (unset: `/webhooks/mailgun` is not served).
    public var mailgunWebhookSigningKey: String?
    public var pineconeAPIKey: String?
    /// Acts as a platform administrator on the admin API, for automation (seed 004's admin key).
    public var adminAPIKey: String?
    /// What a Prometheus scraper sends to read `/metrics` (unset: `/metrics` is not served).
    public var metricsToken: String?

    public init(llmAPIKey: String? = nil, databaseURL: String? = nil, serverSecret: String? = nil,
                embeddingsAPIKey: String? = nil, mailgunAPIKey: String? = nil, pineconeAPIKey: String? = nil, adminAPIKey: String? = nil,
                metricsToken: String? = nil) {
        self.adminAPIKey = adminAPIKey
        self.metricsToken = metricsToken
        self.llmAPIKey = llmAPIKey
        self.databaseURL = databaseURL
        self.serverSecret = serverSecret
        self.embeddingsAPIKey = embeddingsAPIKey
        self.mailgunAPIKey = mailgunAPIKey
        self.pineconeAPIKey = pineconeAPIKey
    }

    /// The environment variables each secret is read from, first match wins.
    static var sources: [(WritableKeyPath<ParleySecrets, String?>, [String])] { [
        (\.llmAPIKey, ["PARLEY_LLM_API_KEY", "OPENROUTER_API_KEY", "GROQ_API_KEY"]),
        (\.databaseURL, ["DATABASE_URL"]),
        (\.serverSecret, ["PARLEY_SECRET_KEY"]),
        (\.embeddingsAPIKey, ["PARLEY_EMBEDDINGS_API_KEY", "OPENAI_API_KEY"]),
        (\.mailgunAPIKey, ["MAILGUN_API_KEY"]),
        (\.mailgunWebhookSigningKey, ["MAILGUN_WEBHOOK_SIGNING_KEY"]),
        (\.pineconeAPIKey, ["PINECONE_API_KEY"]),
        (\.adminAPIKey, ["PARLEY_ADMIN_API_KEY"]),
        (\.metricsToken, ["PARLEY_METRICS_TOKEN"]),
    ] }

    /// Every environment variable name that holds a secret (used by the redactor).
    public static var variableNames: [String] { sources.flatMap(\.1) }

    public init(environment: [String: String]) {
        for (path, names) in Self.sources {
            self[keyPath: path] = names.lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        }
    }

    public var description: String {
        let set = Self.sources.filter { self[keyPath: $0.0] != nil }.map { $0.1[0] }
        return "ParleySecrets(set: \(set))"
    }
}
