import Foundation

/// Which conversations an admin lists.
public struct ConversationFilter: Sendable, Equatable {
    public var agent: String?
    /// Conversations started at or after / before these instants.
    public var startedFrom: Date?
    public var startedBefore: Date?
    /// Only conversations with a message after this instant (active) or none since (idle).
    public var activeSince: Date?
    public var idleSince: Date?

    public init(agent: String? = nil, startedFrom: Date? = nil, startedBefore: Date? = nil, activeSince: Date? = nil, idleSince: Date? = nil) {
        self.agent = agent
        self.startedFrom = startedFrom
        self.startedBefore = startedBefore
        self.activeSince = activeSince
        self.idleSince = idleSince
    }
}

/// Where a page of conversations ends: the next page starts after it (newest activity first).
public struct ConversationCursor: Sendable, Equatable {
    public var lastActivityAt: Date
    public var session: SessionID

    public init(lastActivityAt: Date, session: SessionID) {
        self.lastActivityAt = lastActivityAt
        self.session = session
    }

    /// An opaque text form for URLs: `<seconds since 1970>_<uuid>`, the time written exactly
    /// (a rounded time would skip or repeat conversations whose activity falls in the same millisecond).
    public var token: String { "\(lastActivityAt.timeIntervalSince1970)_\(session.description)" }

    public init?(token: String) {
        let parts = token.split(separator: "_", maxSplits: 1)
        guard token.count <= 80, parts.count == 2, let seconds = Double(parts[0]), seconds.isFinite,
              let id = SessionID(string: String(parts[1])) else { return nil }
        self.init(lastActivityAt: Date(timeIntervalSince1970: seconds), session: id)
    }
}

/// One conversation in a list.
public struct ConversationOverview: Sendable, Equatable {
    public var session: ChatSession
    public var messageCount: Int
    /// The visitor's first message, shortened.
    public var opening: String

    public init(session: ChatSession, messageCount: Int, opening: String) {
        self.session = session
        self.messageCount = messageCount
        self.opening = opening
    }
}

/// One LLM call of a conversation, as the transcript shows it.
public struct ConversationModelCall: Sendable, Equatable {
    public var provider: String
    public var model: String
    public var promptTokens: Int?
    public var completionTokens: Int?
    public var cost: Double?
    public var latencyMs: Int
    public var succeeded: Bool
    public var createdAt: Date

    public init(provider: String, model: String, promptTokens: Int?, completionTokens: Int?, cost: Double?, latencyMs: Int,
                succeeded: Bool, createdAt: Date) {
        self.provider = provider
        self.model = model
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cost = cost
        self.latencyMs = latencyMs
        self.succeeded = succeeded
        self.createdAt = createdAt
    }
}

/// The admin's read side of one tenant's conversations.
public protocol ConversationReview: Sendable {
    /// Newest activity first, at most `limit`, after `cursor` when given.
    func conversations(tenant: TenantID, filter: ConversationFilter, after cursor: ConversationCursor?, limit: Int) async throws -> [ConversationOverview]
    /// The LLM calls made for the session, oldest first.
    func modelCalls(tenant: TenantID, session: SessionID) async throws -> [ConversationModelCall]
}
