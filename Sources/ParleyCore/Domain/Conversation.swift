import Foundation

/// One visitor conversation. The visitor holds the session key; we keep only its hash.
public struct ChatSession: Sendable, Hashable {
    public var id: SessionID
    public var tenantID: TenantID
    public var agentCode: String
    public var createdAt: Date
    public var lastActivityAt: Date
    /// The person who took the conversation over (nil: the bot answers). Read with the session by
    /// its key, so that a chat turn knows without another statement.
    public var heldBy: OperatorIdentity?

    public init(id: SessionID, tenantID: TenantID, agentCode: String, createdAt: Date, lastActivityAt: Date, heldBy: OperatorIdentity? = nil) {
        self.id = id
        self.tenantID = tenantID
        self.agentCode = agentCode
        self.createdAt = createdAt
        self.lastActivityAt = lastActivityAt
        self.heldBy = heldBy
    }
}

/// Who said a message. Raw values are the ones seed 000 stores, and two of the live handoff:
/// a person of the business answering the visitor (`operator`), and operators' internal notes
/// (`note`), which neither the visitor nor the model ever reads.
public enum MessageRole: String, Sendable, Codable, CaseIterable {
    case human, assistant, system
    case `operator`
    case note

    /// Whether the visitor reads messages of this role (in the widget and the history).
    public var reachesVisitor: Bool { self == .human || self == .assistant || self == .operator }
}

/// A persisted message with its free-form metadata (citations, model, usage, completeness).
public struct StoredMessage: Sendable, Hashable {
    public var id: MessageID
    public var tenantID: TenantID
    public var sessionID: SessionID
    public var role: MessageRole
    public var content: String
    public var metadata: JSONValue
    public var createdAt: Date

    public init(id: MessageID, tenantID: TenantID, sessionID: SessionID, role: MessageRole,
                content: String, metadata: JSONValue, createdAt: Date) {
        self.id = id
        self.tenantID = tenantID
        self.sessionID = sessionID
        self.role = role
        self.content = content
        self.metadata = metadata
        self.createdAt = createdAt
    }

    /// False for an assistant answer cut short by a provider failure or a disconnect.
    public var isComplete: Bool { metadata["complete"]?.boolValue ?? true }
}

/// A message about to be written; the store assigns id and timestamp.
public struct NewMessage: Sendable {
    public var role: MessageRole
    public var content: String
    public var metadata: JSONValue

    public init(role: MessageRole, content: String, metadata: JSONValue = .object([:])) {
        self.role = role
        self.content = content
        self.metadata = metadata
    }
}

/// A visitor's message and the messages before it, as a turn reads them.
public struct TurnWindow: Sendable, Equatable {
    public var question: StoredMessage
    /// Oldest first.
    public var history: [StoredMessage]

    public init(question: StoredMessage, history: [StoredMessage]) {
        self.question = question
        self.history = history
    }
}
