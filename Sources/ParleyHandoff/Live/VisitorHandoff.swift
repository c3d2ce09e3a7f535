import Foundation
import Logging
import ParleyCore

/// The visitor's side of a hand-over in one tenant: what the operators learn when the visitor
/// writes or types while a person holds the conversation, and the notice that a conversation
/// now waits for a person, with the wait to expect (the median of the tenant's last takeovers).
public struct VisitorHandoff: Sendable {
    public let tenant: TenantID
    private let store: any LiveConversationStore
    private let bus: any SessionEventBus
    private let waits: TakeoverWaits
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// `waits` is the process's (``TakeoverWaits``); a new one reads them for each escalation.
    public init(tenant: TenantID, store: any LiveConversationStore, bus: any SessionEventBus, waits: TakeoverWaits = TakeoverWaits(lifetime: .zero),
                logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        self.tenant = tenant
        self.store = store
        self.bus = bus
        self.waits = waits
        self.logger = logger
        self.now = now
    }

    /// The visitor's message (already stored) reaches the person holding the conversation.
    public func visitorWrote(_ message: StoredMessage) async throws {
        let record = try await store.apply(.visitorWrote(message), tenant: tenant, session: message.sessionID, at: now())
        await bus.publish(record)
    }

    public func visitorTyping(_ session: SessionID) async {
        await bus.publish(SessionEvent(tenantID: tenant, sessionID: session, kind: .typing, data: ["who": "visitor"], createdAt: now()))
    }

    /// Tells the visitor and the operators that the conversation waits for a person (outside
    /// business hours, `staffed` false: the widget offers the lead form instead). Failures are
    /// logged: the escalation itself is stored, and the operators' inbox shows it.
    public func announceEscalation(_ session: SessionID, reason: EscalationReason, staffed: Bool = true) async {
        do {
            let expected = try await expectedWait(staffed: staffed)
            let record = try await store.apply(.escalated(reason, expectedWait: expected, staffed: staffed), tenant: tenant, session: session, at: now())
            await bus.publish(record)
        } catch {
            logger.error("escalation notice failed", metadata: ["event": "escalation_notice_failed", "error": "\(type(of: error))"])
        }
    }

    /// The wait an escalation's notice promises: none outside business hours (none is read),
    /// else the median of the tenant's last takeovers.
    public func expectedWait(staffed: Bool) async throws -> Duration? {
        staffed ? Self.median(try await waits.recent(tenant: tenant, in: store)) : nil
    }

    /// Tells the followers of a change stored elsewhere (an escalation written with its answer).
    public func publish(_ record: HandoffRecord) async {
        await bus.publish(record)
    }

    /// Nil below three takeovers: too few to promise anything.
    static func median(_ waits: [Duration]) -> Duration? {
        guard waits.count >= 3 else { return nil }
        return waits.sorted()[waits.count / 2]
    }
}
