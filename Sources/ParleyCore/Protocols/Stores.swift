import Foundation

/// Sessions and messages of one tenant. Every call takes the tenant: a session id or
/// key from another tenant finds nothing.
public protocol ConversationStore: Sendable {
    /// The session whose key hashes to `keyHash`, if it belongs to this tenant.
    func session(tenant: TenantID, keyHash: String) async throws -> ChatSession?
    func session(tenant: TenantID, id: SessionID) async throws -> ChatSession?
    /// Creates a session together with its first message, in one transaction.
    func createSession(tenant: TenantID, agentCode: String, keyHash: String, firstMessage: NewMessage) async throws -> (ChatSession, StoredMessage)
    /// Appends a message and marks the session active now.
    func append(tenant: TenantID, session: SessionID, message: NewMessage) async throws -> StoredMessage
    /// Appends a message to the tenant's session whose key hashes to `keyHash`, if that session
    /// is `agentCode`'s, and returns the session (with the person holding it) and the message;
    /// nil, with nothing written, when there is no such session.
    func append(tenant: TenantID, keyHash: String, agentCode: String, message: NewMessage) async throws -> (ChatSession, StoredMessage)?
    /// As `append(tenant:keyHash:agentCode:message:)`, returning besides the `historyLimit`
    /// messages before the new one, oldest first, role and content only: what a turn started at
    /// the POST answers from, in the same trip where the database allows it.
    func append(tenant: TenantID, keyHash: String, agentCode: String, message: NewMessage,
                historyLimit: Int) async throws -> (ChatSession, StoredMessage, history: [StoredMessage])?
    /// The last `limit` messages before `before` (exclusive), oldest first.
    func recentMessages(tenant: TenantID, session: SessionID, limit: Int, before: MessageID?) async throws -> [StoredMessage]
    /// As `recentMessages`, with each message's role and content only (`metadata` left empty):
    /// what a prompt's history needs, without decoding every message's citations on each turn.
    func recentTurns(tenant: TenantID, session: SessionID, limit: Int, before: MessageID?) async throws -> [StoredMessage]
    /// The visitor's message `question` in `session` and the `limit` messages before it, role and
    /// content only, in one read: what a streamed answer starts from. Nil when the message is not
    /// in that session of that tenant.
    func turnWindow(tenant: TenantID, session: SessionID, question: MessageID, limit: Int) async throws -> TurnWindow?
    /// All messages, oldest first, at most `limit`.
    func history(tenant: TenantID, session: SessionID, limit: Int) async throws -> [StoredMessage]
    func message(tenant: TenantID, id: MessageID) async throws -> StoredMessage?
}

/// Tenants and their keys.
public protocol TenantDirectory: Sendable {
    func tenant(id: TenantID) async throws -> Tenant?
    func tenant(slug: String) async throws -> Tenant?
    func tenant(widgetKey: String) async throws -> Tenant?
    func tenant(apiKeyHash: String) async throws -> Tenant?
    func allTenants() async throws -> [Tenant]
    /// Switches a tenant on or off; an inactive tenant's keys stop working at once.
    func setActive(_ id: TenantID, _ active: Bool) async throws
    /// Replaces the tenant's settings object (theme, consent, allowed origins, …).
    func setSettings(_ id: TenantID, _ settings: JSONValue) async throws
    /// Replaces the tenant's API key hash (the old key stops working at once).
    func setAPIKeyHash(_ id: TenantID, _ hash: String) async throws
    /// Creates a tenant; fails with `slug_taken` if the slug exists.
    func create(name: String, slug: String, widgetKey: String, apiKeyHash: String) async throws -> Tenant
}

/// Personas of one tenant.
public protocol PersonaStore: Sendable {
    func persona(tenant: TenantID, code: String) async throws -> Persona?
    func defaultPersona(tenant: TenantID) async throws -> Persona?
    func personas(tenant: TenantID) async throws -> [Persona]
    /// Inserts or replaces the persona with the same code.
    func save(_ persona: Persona) async throws
}

/// The agent catalogue and each tenant's settings for it.
public protocol AgentStore: Sendable {
    func agent(code: String) async throws -> AgentDefinition?
    func agents() async throws -> [AgentDefinition]
    /// Inserts or updates the catalogue row with the same code.
    func upsert(_ agent: AgentDefinition) async throws -> AgentDefinition
    func settings(tenant: TenantID, agent: AgentID) async throws -> TenantAgentSettings?
    func save(_ settings: TenantAgentSettings) async throws
}

/// A visitor's message whose answer may now be streamed, as redeeming its stream id found it.
///
/// A stream id names the visitor's message it answers and is signed (`StreamTokenSigner`): the
/// signature proves it was issued and until when it holds, so issuing one writes nothing, and the
/// database only enforces single use, on the message's row.
public struct StreamTicket: Sendable, Hashable {
    public var tenantID: TenantID
    public var sessionID: SessionID
    public var messageID: MessageID
    /// The agent of the message's conversation.
    public var agentCode: String
    /// The person who took the conversation over after the id was issued (the turn must not run then).
    public var heldBy: OperatorIdentity?
    /// The conversation has an open escalation (it waits for a person).
    public var escalated: Bool

    public init(tenantID: TenantID, sessionID: SessionID, messageID: MessageID, agentCode: String,
                heldBy: OperatorIdentity? = nil, escalated: Bool = false) {
        self.tenantID = tenantID
        self.sessionID = sessionID
        self.messageID = messageID
        self.agentCode = agentCode
        self.heldBy = heldBy
        self.escalated = escalated
    }
}

/// Redeems stream ids once, across restarts and instances.
public protocol StreamTicketStore: Sendable {
    /// Marks the answer to the visitor's message `message` as streamed and returns it, or nil if
    /// the message is unknown, of another tenant, not a visitor's, or already redeemed.
    func redeem(tenant: TenantID, message: MessageID, at now: Date) async throws -> StreamTicket?
    /// Redeems as `redeem` does, and reads the message's turn window from `conversations` as
    /// `ConversationStore.turnWindow` does (nil window when the message is not in the ticket's
    /// conversation): in one round trip where the database can run both in one statement.
    func redeem(tenant: TenantID, message: MessageID, at now: Date, readingWindow limit: Int,
                of conversations: any ConversationStore) async throws -> (StreamTicket, TurnWindow?)?
}

extension ConversationStore {
    public func append(tenant: TenantID, keyHash: String, agentCode: String, message: NewMessage,
                       historyLimit: Int) async throws -> (ChatSession, StoredMessage, history: [StoredMessage])? {
        try await appendThenReadHistory(tenant: tenant, keyHash: keyHash, agentCode: agentCode, message: message, historyLimit: historyLimit)
    }

    /// The message appended, then the history read in a second statement.
    public func appendThenReadHistory(tenant: TenantID, keyHash: String, agentCode: String, message: NewMessage,
                                      historyLimit: Int) async throws -> (ChatSession, StoredMessage, history: [StoredMessage])? {
        guard let (session, stored) = try await append(tenant: tenant, keyHash: keyHash, agentCode: agentCode, message: message) else { return nil }
        return (session, stored, try await recentTurns(tenant: tenant, session: session.id, limit: historyLimit, before: stored.id))
    }
}

extension StreamTicketStore {
    public func redeem(tenant: TenantID, message: MessageID, at now: Date, readingWindow limit: Int,
                       of conversations: any ConversationStore) async throws -> (StreamTicket, TurnWindow?)? {
        try await redeemThenReadWindow(tenant: tenant, message: message, at: now, limit: limit, of: conversations)
    }

    /// The redemption, then the window in a second read.
    public func redeemThenReadWindow(tenant: TenantID, message: MessageID, at now: Date, limit: Int,
                                     of conversations: any ConversationStore) async throws -> (StreamTicket, TurnWindow?)? {
        guard let ticket = try await redeem(tenant: tenant, message: message, at: now) else { return nil }
        return (ticket, try await conversations.turnWindow(tenant: tenant, session: ticket.sessionID, question: message, limit: limit))
    }
}

/// Persisted LLM call records.
public protocol LLMRequestLog: Sendable {
    func append(_ record: LLMCallRecord) async throws
}

/// Writes a chat turn's answer together with the LLM calls made for it (`LLMCallBatch`), so that
/// the turn's last write costs as few statements and commits as the database allows.
public protocol TurnAnswerStore: LLMRequestLog {
    /// Appends the answer to the tenant's session and then the calls; a refused answer (not the
    /// tenant's session) writes no call.
    func append(tenant: TenantID, session: SessionID, answer: NewMessage, calls: [LLMCallRecord]) async throws -> StoredMessage
    /// The same, opening `opening` (its message is the answer) with its event in the same write
    /// when the database allows; a refused answer opens nothing.
    func append(tenant: TenantID, session: SessionID, answer: NewMessage, calls: [LLMCallRecord],
                opening: EscalationOpening) async throws -> (message: StoredMessage, escalation: EscalationOpeningOutcome)
}

extension TurnAnswerStore {
    /// The answer alone: the caller opens the escalation after it.
    public func append(tenant: TenantID, session: SessionID, answer: NewMessage, calls: [LLMCallRecord],
                       opening: EscalationOpening) async throws -> (message: StoredMessage, escalation: EscalationOpeningOutcome) {
        (try await append(tenant: tenant, session: session, answer: answer, calls: calls), .notAttempted)
    }
}

extension ConversationStore {
    /// The keyed append as a read of the session and then an append.
    public func append(tenant: TenantID, keyHash: String, agentCode: String, message: NewMessage) async throws -> (ChatSession, StoredMessage)? {
        guard let session = try await session(tenant: tenant, keyHash: keyHash), session.agentCode == agentCode else { return nil }
        return (session, try await append(tenant: tenant, session: session.id, message: message))
    }

    public func recentTurns(tenant: TenantID, session: SessionID, limit: Int, before: MessageID?) async throws -> [StoredMessage] {
        try await recentMessages(tenant: tenant, session: session, limit: limit, before: before)
    }

    public func turnWindow(tenant: TenantID, session: SessionID, question: MessageID, limit: Int) async throws -> TurnWindow? {
        try await turnWindowInTwoReads(tenant: tenant, session: session, question: question, limit: limit)
    }

    /// `turnWindow` as the message and then the messages before it.
    public func turnWindowInTwoReads(tenant: TenantID, session: SessionID, question: MessageID, limit: Int) async throws -> TurnWindow? {
        guard let message = try await message(tenant: tenant, id: question), message.sessionID == session else { return nil }
        return TurnWindow(question: message, history: try await recentTurns(tenant: tenant, session: session, limit: limit, before: question))
    }
}
