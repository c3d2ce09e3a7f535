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

    enum CodingKeys: String, CodingKey {
        case model, messages, temperature, stream
        case maxTokens = "max_tokens"
        case streamOptions = "stream_options"
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

    var id: String?
    var model: String?
    var choices: [Choice]?
    var usage: TokenUsage?
    var error: ErrorBody?
}
