import Foundation
import ParleyCore

/// A visitor's side of one tenant's chat, bound to that tenant when the request's caller was
/// resolved: post a message (starting or continuing a conversation), get a signed single-use
/// stream id for the answer, redeem it, read the history. No method takes a tenant, so no
/// caller can reach another tenant's conversations.
public struct VisitorConversations: Sendable {
    public let tenant: Tenant
    private let conversations: any ConversationStore
    private let tickets: any StreamTicketStore
    private let signer: StreamTokenSigner
    private let streamTTLSeconds: Int

    public init(tenant: Tenant, conversations: any ConversationStore, tickets: any StreamTicketStore, signer: StreamTokenSigner,
                streamTTLSeconds: Int) {
        self.tenant = tenant
        self.conversations = conversations
        self.tickets = tickets
        self.signer = signer
        self.streamTTLSeconds = streamTTLSeconds
    }

    /// The visitor's message, stored.
    public struct Posted: Sendable {
        public var sessionKey: String
        public var session: ChatSession
        public var question: StoredMessage
        /// The messages before the question, oldest first, when the caller asked for them.
        public var history: [StoredMessage]?
    }

    /// Stores the message in the conversation `sessionKey` names (it must be this agent's), or
    /// in a new one with a fresh key. With `historyLimit`, the messages before it are read with
    /// it (for a turn started at once).
    public func post(_ message: String, sessionKey: String?, agent: String, historyLimit: Int? = nil) async throws -> Posted {
        let visitorMessage = NewMessage(role: .human, content: message)
        guard let sessionKey else {
            let key = KeyMaterial.randomKey(prefix: "ps_")
            let (session, question) = try await conversations.createSession(tenant: tenant.id, agentCode: agent,
                                                                           keyHash: KeyMaterial.hash(key), firstMessage: visitorMessage)
            return Posted(sessionKey: key, session: session, question: question, history: historyLimit == nil ? nil : [])
        }
        guard let keyHash = Self.keyHash(sessionKey) else { throw Self.unknownSession }
        guard let historyLimit else {
            guard let (session, question) = try await conversations.append(tenant: tenant.id, keyHash: keyHash, agentCode: agent,
                                                                           message: visitorMessage) else { throw Self.unknownSession }
            return Posted(sessionKey: sessionKey, session: session, question: question)
        }
        guard let (session, question, history) = try await conversations.append(tenant: tenant.id, keyHash: keyHash, agentCode: agent,
                                                                                message: visitorMessage, historyLimit: historyLimit) else {
            throw Self.unknownSession
        }
        return Posted(sessionKey: sessionKey, session: session, question: question, history: history)
    }

    /// A signed, single-use stream id for the answer to a posted message: it names the message
    /// and is checked by its signature, so issuing it writes nothing; redeeming it does.
    public func issueStream(for posted: Posted, now: Date = Date()) -> (streamID: String, expiresIn: Int) {
        let claims = StreamTokenSigner.Claims(streamID: StreamID(posted.question.id.uuid), tenantID: tenant.id, sessionID: posted.session.id,
                                              expiresAt: now.addingTimeInterval(TimeInterval(streamTTLSeconds)))
        return (signer.sign(claims), streamTTLSeconds)
    }

    /// A redeemed stream id: the message to answer with the messages before it, and the person
    /// who took the conversation over after the id was issued (then no turn may run: the message
    /// is theirs to answer).
    public struct RedeemedStream: Sendable {
        public var session: SessionID
        public var window: TurnWindow
        public var heldBy: OperatorIdentity?
        /// The conversation has an open escalation.
        public var escalated: Bool
    }

    /// Redeems the ticket of a verified stream id once; returns the message to answer with the
    /// `historyLimit` messages before it. A session key, when the caller sends one, must name the
    /// stream's conversation.
    public func redeem(_ claims: StreamTokenSigner.Claims, agent: String, sessionKey: String?, historyLimit: Int,
                       now: Date = Date()) async throws -> RedeemedStream {
        try await checkClaims(claims, sessionKey: sessionKey)
        // The id names the visitor's message (its expiry was checked with its signature).
        guard let (ticket, window) = try await tickets.redeem(tenant: tenant.id, message: MessageID(claims.streamID.uuid), at: now,
                                                              readingWindow: historyLimit, of: conversations) else {
            throw Self.streamUsed
        }
        guard let window else { throw Self.mismatchedStream }
        try Self.check(ticket, matches: claims, agent: agent)
        return RedeemedStream(session: ticket.sessionID, window: window, heldBy: ticket.heldBy, escalated: ticket.escalated)
    }

    /// Redeems the stream id of a turn already prepared (it read its own window): the same
    /// checks and the same single-use write, without reading the window.
    public func redeemPrepared(_ claims: StreamTokenSigner.Claims, agent: String, sessionKey: String?,
                               now: Date = Date()) async throws -> StreamTicket {
        try await checkClaims(claims, sessionKey: sessionKey)
        guard let ticket = try await tickets.redeem(tenant: tenant.id, message: MessageID(claims.streamID.uuid), at: now) else {
            throw Self.streamUsed
        }
        try Self.check(ticket, matches: claims, agent: agent)
        return ticket
    }

    private func checkClaims(_ claims: StreamTokenSigner.Claims, sessionKey: String?) async throws {
        guard claims.tenantID == tenant.id else { throw ParleyError.forbidden("This stream belongs to another site.") }
        if let sessionKey {
            let session = try await Self.keyHash(sessionKey).asyncFlatMap { try await conversations.session(tenant: tenant.id, keyHash: $0) }
            guard session?.id == claims.sessionID else { throw ParleyError.forbidden("This stream belongs to another conversation.") }
        }
    }

    private static func check(_ ticket: StreamTicket, matches claims: StreamTokenSigner.Claims, agent: String) throws {
        guard ticket.sessionID == claims.sessionID, ticket.agentCode == agent else { throw mismatchedStream }
    }

    static let streamUsed = ParleyError(code: "stream_used", message: "This stream id has already been used.", kind: .conflict)
    static let mismatchedStream = ParleyError.forbidden("This stream id does not match this conversation.")

    /// The conversation `key` names, if it is this tenant's and this agent's.
    public func session(key: String, agent: String) async throws -> ChatSession? {
        guard let keyHash = Self.keyHash(key) else { return nil }
        let session = try await conversations.session(tenant: tenant.id, keyHash: keyHash)
        return session?.agentCode == agent ? session : nil
    }

    /// The hash a session key is stored under; nil for a key longer than any issued (128
    /// characters), which names no conversation and is not worth hashing.
    static func keyHash(_ key: String) -> String? {
        key.count <= 128 ? KeyMaterial.hash(key) : nil
    }

    /// The conversation's messages a visitor may see (no system messages, no operators' notes), oldest first.
    public func history(key: String, agent: String, limit: Int = 500) async throws -> [StoredMessage] {
        guard let session = try await session(key: key, agent: agent) else { throw Self.unknownSession }
        return try await history(of: session, limit: limit)
    }

    /// The same for a conversation already looked up by its key.
    public func history(of session: ChatSession, limit: Int = 500) async throws -> [StoredMessage] {
        try await conversations.history(tenant: tenant.id, session: session.id, limit: limit).filter(\.role.reachesVisitor)
    }

    public static let unknownSession = ParleyError.notFound("unknown_session", "This conversation does not exist. Start a new one without a session key.")
}
