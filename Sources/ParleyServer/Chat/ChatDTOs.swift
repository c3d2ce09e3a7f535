import Foundation
import ParleyChat
import ParleyCore
import Vapor

/// `POST /a/{agent}/chat` body.
struct ChatRequestBody: Decodable {
    var message: String
    var sessionKey: String?

    enum CodingKeys: String, CodingKey {
        case message
        case sessionKey = "session_key"
    }
}

/// `POST /a/{agent}/chat` answer when streaming: where to fetch the answer, and the session key.
struct ChatStartResponse: Content {
    var streamID: String
    var sessionKey: String
    var expiresIn: Int

    enum CodingKeys: String, CodingKey {
        case streamID = "stream_id"
        case sessionKey = "session_key"
        case expiresIn = "expires_in"
    }
}

/// `POST /a/{agent}/chat?stream=false` answer.
struct ChatAnswerResponse: Content {
    var sessionKey: String
    var messageID: String?
    var answer: String
    var citations: [Citation]
    var model: String
    var usage: TokenUsage?
    var latencyMs: Int
    var complete: Bool
    /// Whether the widget should offer the lead form now.
    var leadForm = false

    enum CodingKeys: String, CodingKey {
        case answer, citations, model, usage, complete
        case leadForm = "lead_form"
        case sessionKey = "session_key"
        case messageID = "message_id"
        case latencyMs = "latency_ms"
    }

    init(sessionKey: String, result: ChatTurnResult) {
        self.sessionKey = sessionKey
        messageID = result.messageID?.description
        answer = result.content
        citations = result.citations
        model = result.model
        usage = result.usage
        latencyMs = result.latencyMs
        complete = result.complete
    }
}

/// One message of `GET /a/{agent}/history`.
struct HistoryMessage: Content {
    var id: String
    var role: String
    var content: String
    var createdAt: Date
    var citations: [Citation]
    var complete: Bool
    /// The name of the person who wrote an operator's message.
    var author: String?
    /// An answer given below the escalation threshold (see `ChatTurnResult.isUnsure`).
    var unsure: Bool?

    enum CodingKeys: String, CodingKey {
        case id, role, content, citations, complete, author, unsure
        case createdAt = "created_at"
    }

    init(_ message: StoredMessage) {
        id = message.id.description
        role = message.role.rawValue
        author = message.role == .operator ? message.metadata["operator"]?["name"]?.stringValue : nil
        let escalated = message.metadata["escalation"]?.stringValue == EscalationReason.lowConfidence.rawValue
        unsure = escalated && message.metadata["withheld_answer"] == nil ? true : nil
        content = message.content
        createdAt = message.createdAt
        citations = (try? message.metadata["citations"]?.decode([Citation].self)) ?? []
        complete = message.isComplete
    }
}

struct HistoryResponse: Content {
    var agent: String
    var messages: [HistoryMessage]
    /// Follow the live channel from here (`Last-Event-ID`): what came before is in `messages`.
    var lastEventID: Int64
    /// The person holding the conversation, if any.
    var person: Person?
    /// The conversation waits for a person.
    var waiting: Bool

    enum CodingKeys: String, CodingKey {
        case agent, messages, person, waiting
        case lastEventID = "last_event_id"
    }
}

/// A person of the business, as the visitor sees them.
struct Person: Content {
    var name: String
}

/// `POST /a/{agent}/chat` while a person holds the conversation (202): no stream; the reply
/// comes on the live channel.
struct ChatHeldResponse: Content {
    var sessionKey: String
    var person: Person

    enum CodingKeys: String, CodingKey {
        case person
        case sessionKey = "session_key"
    }
}
