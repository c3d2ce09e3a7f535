import Foundation
import Logging

/// One message of a prompt in the OpenAI chat format.
public struct PromptMessage: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Codable { case system, user, assistant }
    public var role: Role
    public var content: String

    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}

/// The shape a model's answer must have: free text, any JSON object ("JSON mode"), or JSON
/// following a schema ("structured output"), as OpenAI-compatible providers take it in `response_format`.
public enum ResponseFormat: Sendable, Equatable {
    case text
    case jsonObject
    case jsonSchema(name: String, schema: JSONValue)
}

/// What a chat turn asks of a model. `passages` repeats, as data, the sources that
/// the prompt already quotes, so that a model that cannot read (the offline
/// extractive answerer) can still answer from them and cite them.
public struct ChatCompletionRequest: Sendable {
    public var model: String
    public var messages: [PromptMessage]
    public var temperature: Double
    public var maxTokens: Int
    public var passages: [SourcePassage]
    public var responseFormat: ResponseFormat

    public init(model: String, messages: [PromptMessage], temperature: Double, maxTokens: Int,
                passages: [SourcePassage] = [], responseFormat: ResponseFormat = .text) {
        self.responseFormat = responseFormat
        self.model = model
        self.messages = messages
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.passages = passages
    }

    /// The last visitor message: the question being answered.
    public var question: String {
        messages.last(where: { $0.role == .user })?.content ?? ""
    }
}

/// Who a call is made for; used for the `llm_requests` row and for logs.
public struct LLMCallContext: Sendable {
    public var tenantID: TenantID
    public var sessionID: SessionID?
    public var logger: Logger
    /// The turn that writes this call's record with its answer (nil: the recorder writes it).
    public var batch: LLMCallBatch?

    public init(tenantID: TenantID, sessionID: SessionID?, logger: Logger, batch: LLMCallBatch? = nil) {
        self.tenantID = tenantID
        self.sessionID = sessionID
        self.logger = logger
        self.batch = batch
    }
}

/// One piece of a streamed answer.
public enum ChatStreamEvent: Sendable, Equatable {
    /// Text to append to the answer.
    case token(String)
    /// The model finished; usage is present when the provider reported it.
    case finished(usage: TokenUsage?, finishReason: String?)
}

/// Anything that can answer a prompt as a stream of tokens: a remote OpenAI-compatible
/// provider or the offline extractive answerer. Cancelling the consuming task cancels the call.
public protocol ChatModel: Sendable {
    /// Provider name as stored in `llm_requests.provider` (e.g. "openrouter", "extractive").
    var provider: String { get }
    /// The model that will really answer when `requested` is asked for (the offline
    /// answerer answers every request itself, whatever model the agent names).
    func effectiveModel(requested: String) -> String
    /// Whether its answers are answers to the question, to be scored and, when unsure, withheld
    /// (false for a fixed message, such as a tenant's once its budget is spent).
    var answersQuestions: Bool { get }
    func stream(_ request: ChatCompletionRequest, context: LLMCallContext) -> AsyncThrowingStream<ChatStreamEvent, any Error>
}

extension ChatModel {
    public func effectiveModel(requested: String) -> String { requested }
    public var answersQuestions: Bool { true }

    /// The whole answer as one text, for callers that do not stream it (summaries, lead
    /// extraction): within `timeout`, and cut off past `maxBytes`.
    public func text(for request: ChatCompletionRequest, context: LLMCallContext, timeout: Duration, maxBytes: Int = 64 * 1024) async throws -> String {
        try await withDeadline(timeout) {
            var text = ""
            for try await event in self.stream(request, context: context) {
                if case .token(let piece) = event {
                    text += piece
                    if text.utf8.count > maxBytes { break }
                }
            }
            return text
        }
    }
}

/// Where every LLM call is recorded. Implementations price the call and persist it, or hand it
/// to the context's batch. Models record a call before they end its stream, so that a turn that
/// read the stream to its end holds its record.
public protocol LLMCallRecorder: Sendable {
    func record(_ call: LLMCallRecord, context: LLMCallContext) async
}
