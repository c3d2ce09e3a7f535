import Foundation
import ParleyCore

/// A `StreamTicketStore` in memory, over the messages of an in-memory conversation store.
public actor InMemoryStreamTicketStore: StreamTicketStore {
    private let conversations: InMemoryConversationStore
    private var redeemed: Set<MessageID> = []

    public init(conversations: InMemoryConversationStore) {
        self.conversations = conversations
    }

    public func redeem(tenant: TenantID, message: MessageID, at now: Date) async throws -> StreamTicket? {
        guard !redeemed.contains(message), let stored = try await conversations.message(tenant: tenant, id: message), stored.role == .human,
              let session = try await conversations.session(tenant: tenant, id: stored.sessionID),
              redeemed.insert(message).inserted else { return nil }
        return StreamTicket(tenantID: tenant, sessionID: stored.sessionID, messageID: message, agentCode: session.agentCode)
    }
}

/// A `ConsentStore` in memory.
public actor InMemoryConsentStore: ConsentStore {
    private var records: [ConsentRecord] = []

    public init() {}

    public func record(_ consent: ConsentRecord) async throws {
        records.append(consent)
    }

    public func latest(tenant: TenantID, visitorHash: String) async throws -> ConsentRecord? {
        records.last { $0.tenantID == tenant && $0.visitorHash == visitorHash }
    }
}
