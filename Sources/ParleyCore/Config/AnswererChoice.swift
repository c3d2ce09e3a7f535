/// Which answerer a server runs, and why: a remote or local OpenAI-compatible model, or the
/// offline extractive answerer. Start-up logs the choice with its reason and `/health` shows it
/// to the tenant's API key, so an operator never has to guess why answers look offline.
public struct AnswererChoice: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// An OpenAI-compatible chat completions API.
        case model
        /// The offline extractive answerer (no LLM).
        case offline
    }

    public var kind: Kind
    public var provider: String
    /// Where the model is served (the configured base URL, or the local provider's default).
    public var baseURL: String
    /// The key to send, when one is set (local providers run without one).
    public var apiKey: String?
    /// Why this answerer: safe to log and show (names variables and keys, never a value).
    public var reason: String

    /// Providers that usually run on the operator's own machine and need no key.
    public static let keylessProviders: [String: String] = [
        "ollama": "http://127.0.0.1:11434/v1",
        "llamacpp": "http://127.0.0.1:8080/v1",
        "vllm": "http://127.0.0.1:8000/v1",
    ]

    public static func choose(_ llm: ParleyConfig.LLMSection, secrets: ParleySecrets) -> AnswererChoice {
        let provider = llm.provider.lowercased()
        if provider == "extractive" {
            return AnswererChoice(kind: .offline, provider: "extractive", baseURL: "", apiKey: nil,
                                  reason: "llm.provider is extractive")
        }
        if let defaultURL = keylessProviders[provider] {
            // The base URL left at its (remote) default points at the provider's usual local address.
            let baseURL = llm.baseURL == ParleyConfig.LLMSection().baseURL ? defaultURL : llm.baseURL
            return AnswererChoice(kind: .model, provider: provider, baseURL: baseURL, apiKey: secrets.llmAPIKey,
                                  reason: "llm.provider \(provider) runs without an API key")
        }
        if llm.keyless {
            return AnswererChoice(kind: .model, provider: llm.provider, baseURL: llm.baseURL, apiKey: secrets.llmAPIKey,
                                  reason: "llm.keyless is set: \(llm.baseURL) is used without an API key")
        }
        if let key = secrets.llmAPIKey, !key.isEmpty {
            return AnswererChoice(kind: .model, provider: llm.provider, baseURL: llm.baseURL, apiKey: key,
                                  reason: "an LLM API key is set")
        }
        return AnswererChoice(kind: .offline, provider: "extractive", baseURL: "", apiKey: nil,
                              reason: "no LLM API key is set (PARLEY_LLM_API_KEY, OPENROUTER_API_KEY or GROQ_API_KEY); "
                                  + "set one, or use a local model with llm.provider: ollama, llamacpp or vllm (or llm.keyless: true)")
    }
}
