import Foundation
import ParleyCore

/// A `ConversationStore` in memory, for fast unit tests of the chat turn.
public actor InMemoryConversationStore: ConversationStore {
    private var sessions: [SessionID: (session: ChatSession, keyHash: String)] = [:]
    private var messages: [StoredMessage] = []

    public init() {}

    public func session(tenant: TenantID, keyHash: String) async throws -> ChatSession? {
        sessions.values.first { $0.session.tenantID == tenant && $0.keyHash == keyHash }?.session
    }

    public func session(tenant: TenantID, id: SessionID) async throws -> ChatSession? {
        sessions[id].flatMap { $0.session.tenantID == tenant ? $0.session : nil }
    }

    public func createSession(tenant: TenantID, agentCode: String, keyHash: String,
                              firstMessage: NewMessage) async throws -> (ChatSession, StoredMessage) {
        let now = Date()
        let session = ChatSession(id: SessionID(), tenantID: tenant, agentCode: agentCode, createdAt: now, lastActivityAt: now)
        sessions[session.id] = (session, keyHash)
        let message = try await append(tenant: tenant, session: session.id, message: firstMessage)
        return (session, message)
    }

    public func append(tenant: TenantID, session: SessionID, message: NewMessage) async throws -> StoredMessage {
        guard sessions[session]?.session.tenantID == tenant else {
            throw ParleyError.notFound("unknown_session", "No such conversation.")
        }
        let stored = StoredMessage(id: MessageID(), tenantID: tenant, sessionID: session, role: message.role,
                                   content: message.content, metadata: message.metadata, createdAt: Date())
        messages.append(stored)
        return stored
    }

    public func recentMessages(tenant: TenantID, session: SessionID, limit: Int, before: MessageID?) async throws -> [StoredMessage] {
        var scoped = messages.filter { $0.tenantID == tenant && $0.sessionID == session }
        if let before, let index = scoped.firstIndex(where: { $0.id == before }) { scoped = Array(scoped[..<index]) }
        return Array(scoped.suffix(limit))
    }

    public func history(tenant: TenantID, session: SessionID, limit: Int) async throws -> [StoredMessage] {
        Array(messages.filter { $0.tenantID == tenant && $0.sessionID == session }.prefix(limit))
    }

    public func message(tenant: TenantID, id: MessageID) async throws -> StoredMessage? {
        messages.first { $0.tenantID == tenant && $0.id == id }
    }
}
