import Foundation
import ParleyCore

/// What one operator does in one tenant's conversations: take one over (the bot stops
/// answering it), reply to the visitor, write internal notes, assign, hand back to the bot or
/// close, show that they are typing. Each change is stored before it is published, so a
/// follower that reconnects finds it in the store. Bound to the tenant and the person when the
/// request was authorised: no method takes a tenant.
public struct OperatorDesk: Sendable {
    public let tenant: TenantID
    public let person: OperatorIdentity
    private let store: any LiveConversationStore
    private let bus: any SessionEventBus
    private let now: @Sendable () -> Date

    /// Longest reply or note, in characters (a chat message's order of size).
    public static let maxTextCharacters = 4_000

    public init(tenant: TenantID, person: OperatorIdentity, store: any LiveConversationStore, bus: any SessionEventBus,
                now: @escaping @Sendable () -> Date = Date.init) {
        self.tenant = tenant
        self.person = person
        self.store = store
        self.bus = bus
        self.now = now
    }

    @discardableResult
    public func takeOver(_ session: SessionID) async throws -> HandoffRecord {
        try await apply(.takeOver(person), to: session)
    }

    /// `colleague` must be an operator of this tenant; the caller checks that.
    @discardableResult
    public func assign(_ session: SessionID, to colleague: OperatorIdentity) async throws -> HandoffRecord {
        try await apply(.assign(colleague), to: session)
    }

    @discardableResult
    public func reply(_ session: SessionID, text: String) async throws -> HandoffRecord {
        try await apply(.reply(person, text: try Self.checked(text)), to: session)
    }

    @discardableResult
    public func note(_ session: SessionID, text: String) async throws -> HandoffRecord {
        try await apply(.note(person, text: try Self.checked(text)), to: session)
    }

    @discardableResult
    public func handBack(_ session: SessionID) async throws -> HandoffRecord {
        try await apply(.release(.handedBack, by: person), to: session)
    }

    @discardableResult
    public func close(_ session: SessionID) async throws -> HandoffRecord {
        try await apply(.release(.closed, by: person), to: session)
    }

    /// Tells the visitor (and other operators) that this person is typing. Not stored.
    public func typing(_ session: SessionID) async {
        await bus.publish(SessionEvent(tenantID: tenant, sessionID: session, kind: .typing,
                                       data: ["who": "operator", "operator": person.jsonValue], createdAt: now()))
    }

    private func apply(_ change: HandoffChange, to session: SessionID) async throws -> HandoffRecord {
        let record = try await store.apply(change, tenant: tenant, session: session, at: now())
        await bus.publish(record)
        return record
    }

    /// The text trimmed, or a clear error when it is empty or too long.
    static func checked(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ParleyError.badRequest("empty_text", "Write a message first.") }
        guard trimmed.count <= maxTextCharacters else {
            throw ParleyError(code: "text_too_long", message: "A message has at most \(maxTextCharacters) characters.", kind: .tooLarge)
        }
        return trimmed
    }
}
