import Foundation

/// A person of the business in a conversation: an admin user with the operator role, by the
/// name the visitor sees.
public struct OperatorIdentity: Sendable, Hashable, Codable {
    public var id: AdminUserID
    public var name: String

    public init(id: AdminUserID, name: String) {
        self.id = id
        self.name = name
    }

    public var jsonValue: JSONValue { ["id": .string(id.description), "name": .string(name)] }
}

/// What happens in a conversation around its hand-over, in the order it happened.
public enum SessionEventKind: String, Sendable, CaseIterable {
    /// The conversation waits for a person: `{"reason", "expected_wait_seconds"?}`.
    case escalated
    /// An operator was made responsible for it: `{"operator"}` (operators only).
    case assigned
    /// A person took it over; the bot stops answering: `{"operator"}`.
    case operatorJoined = "operator_joined"
    /// `{"message_id", "text", "operator"}`.
    case operatorMessage = "operator_message"
    /// The visitor wrote while a person held the conversation: `{"message_id", "text"}` (operators only).
    case visitorMessage = "visitor_message"
    /// An internal note: `{"message_id", "text", "operator"}` (operators only).
    case note
    /// The escalation ended: `{"outcome": "handed_back" | "closed", "operator"?}`; the bot answers again.
    case operatorLeft = "operator_left"
    /// Someone is typing: `{"who": "visitor" | "operator", "operator"?}`. Never stored.
    case typing

    /// Whether the visitor's channel carries it (operators see every kind).
    public var reachesVisitor: Bool {
        switch self {
        case .escalated, .operatorJoined, .operatorMessage, .operatorLeft, .typing: true
        case .assigned, .visitorMessage, .note: false
        }
    }

    /// Stored events have a sequence number a reconnecting client resumes from; typing has none.
    public var isTransient: Bool { self == .typing }
}

/// One event of a conversation. Stored events are numbered 1, 2, … per conversation, in commit
/// order: a client that saw `sequence` n resumes from n and misses nothing, repeats nothing.
public struct SessionEvent: Sendable, Equatable {
    public var tenantID: TenantID
    public var sessionID: SessionID
    /// 0 for a transient event.
    public var sequence: Int64
    public var kind: SessionEventKind
    public var data: JSONValue
    public var createdAt: Date

    public init(tenantID: TenantID, sessionID: SessionID, sequence: Int64 = 0, kind: SessionEventKind, data: JSONValue, createdAt: Date) {
        self.tenantID = tenantID
        self.sessionID = sessionID
        self.sequence = sequence
        self.kind = kind
        self.data = data
        self.createdAt = createdAt
    }
}

/// How an escalation ended.
public enum HandoffOutcome: String, Sendable, Codable {
    /// The bot answers again, with the person's messages in its history.
    case handedBack = "handed_back"
    /// Dealt with; the bot answers if the visitor writes again.
    case closed
}
