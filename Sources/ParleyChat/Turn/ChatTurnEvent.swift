import Foundation
import ParleyCore

/// The outcome of a turn, stored as the assistant message and sent in the `done` event.
public struct ChatTurnResult: Sendable, Equatable {
    public var messageID: MessageID?
    public var content: String
    public var citations: [Citation]
    public var model: String
    public var provider: String
    public var usage: TokenUsage?
    public var latencyMs: Int
    public var complete: Bool
    /// How sure the answer is (nil for an incomplete answer or without a scorer).
    public var confidence: AnswerConfidence?
    /// Why this turn handed the conversation to a person (nil: it did not).
    public var escalation: EscalationReason?
    /// The answer the model wrote when it scored below the refusal threshold: the visitor got the
    /// hand-over message (`content`) instead, and operators can read this one.
    public var withheldAnswer: String?

    public init(messageID: MessageID?, content: String, citations: [Citation], model: String, provider: String,
                usage: TokenUsage?, latencyMs: Int, complete: Bool) {
        self.messageID = messageID
        self.content = content
        self.citations = citations
        self.model = model
        self.provider = provider
        self.usage = usage
        self.latencyMs = latencyMs
        self.complete = complete
    }

    /// The answer was given although it scored below the escalation threshold (a withheld one
    /// was not given): the widget may mark it as not sure.
    public var isUnsure: Bool { escalation == .lowConfidence && withheldAnswer == nil }

    /// The metadata stored on the assistant message.
    public var metadata: JSONValue {
        var object: [String: JSONValue] = [
            "citations": .array(citations.map(\.jsonValue)),
            "doc_ids": .array(citations.map { .string($0.chunkID) }),
            "scores": .array(citations.map { .number($0.score) }),
            "model": .string(model),
            "provider": .string(provider),
            "latency_ms": .number(Double(latencyMs)),
            "complete": .bool(complete),
        ]
        if let usage { object["usage"] = usage.jsonValue }
        if let confidence { object["confidence"] = confidence.jsonValue }
        if let escalation { object["escalation"] = .string(escalation.rawValue) }
        if let withheldAnswer { object["withheld_answer"] = .string(withheldAnswer) }
        return .object(object)
    }
}

/// What a chat turn tells the visitor, in order: citations (when there are sources), tokens,
/// then exactly one of `done` or `failed`.
public enum ChatTurnEvent: Sendable, Equatable {
    case citations([Citation])
    case token(String)
    case done(ChatTurnResult)
    /// The turn failed; `partial` is the incomplete answer that was stored, if any text arrived.
    case failed(ParleyError, partial: ChatTurnResult?)
}
