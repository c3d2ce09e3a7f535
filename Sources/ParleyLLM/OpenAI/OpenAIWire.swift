import Foundation
import ParleyCore

/// The request body of `POST {base}/chat/completions` as Parley sends it.
struct ChatCompletionsBody: Encodable, Sendable {
    struct StreamOptions: Encodable, Sendable {
        var includeUsage = true
        enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
    }

    var model: String
    var messages: [PromptMessage]
    var temperature: Double
    var maxTokens: Int
    var stream = true
    var streamOptions = StreamOptions()
    /// `response_format`: absent for text, `{"type": "json_object"}`, or
    /// `{"type": "json_schema", "json_schema": {"name", "schema", "strict": false}}`.
    var responseFormat: JSONValue?

    init(model: String, messages: [PromptMessage], temperature: Double, maxTokens: Int, format: ResponseFormat = .text) {
        self.model = model
        self.messages = messages
        self.temperature = temperature
        self.maxTokens = maxTokens
        switch format {
        case .text: responseFormat = nil
        case .jsonObject: responseFormat = ["type": "json_object"]
        case .jsonSchema(let name, let schema):
            responseFormat = ["type": "json_schema", "json_schema": ["name": .string(name), "schema": schema, "strict": false]]
        }
    }

    enum CodingKeys: String, CodingKey {
        case model, messages, temperature, stream
        case maxTokens = "max_tokens"
        case streamOptions = "stream_options"
        case responseFormat = "response_format"
    }
}

/// One `data:` chunk of a streamed completion. Every field is optional because providers
/// differ in what they send (usage-only chunks, role-only deltas, error objects).
struct ChatCompletionChunk: Decodable, Sendable {
    struct Choice: Decodable, Sendable {
        struct Delta: Decodable, Sendable {
            var content: String?
        }
        var delta: Delta?
        var finishReason: String?
        enum CodingKeys: String, CodingKey {
            case delta
            case finishReason = "finish_reason"
        }
    }

    struct ErrorBody: Decodable, Sendable {
        var message: String?
        var code: JSONValue?

        /// The HTTP status the error stands for, when its code is one (429, "503").
        var status: Int? {
            let number = code?.doubleValue.map { Int($0) } ?? code?.stringValue.flatMap { Int($0) }
            return number.flatMap { (100 ... 599).contains($0) ? $0 : nil }
        }
    }

    /// The usage object as providers send it: token counts that may be missing, and the cost
    /// some providers report themselves (OpenRouter's `usage.cost`, in US dollars).
    struct Usage: Decodable, Sendable {
        var promptTokens: Int?
        var completionTokens: Int?
        var cost: Double?

        enum CodingKeys: String, CodingKey {
            case cost
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
        }

        /// The token counts, only when the provider gave both: a missing count is unknown, not 0.
        var tokens: TokenUsage? {
            guard let promptTokens, let completionTokens else { return nil }
            return TokenUsage(promptTokens: promptTokens, completionTokens: completionTokens)
        }
    }

    var id: String?
    var model: String?
    var choices: [Choice]?
    var usage: Usage?
    var error: ErrorBody?
}
