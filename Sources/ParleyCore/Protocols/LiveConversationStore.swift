import Foundation

/// A change to a conversation's hand-over, applied atomically with the events it causes.
public enum HandoffChange: Sendable {
    /// The conversation started waiting for a person (its escalation is already stored);
    /// `staffed` is false outside the tenant's business hours.
    case escalated(EscalationReason, expectedWait: Duration?, staffed: Bool)
    /// A person takes the conversation over; opens an escalation when none is open. Refused
    /// (conflict) while another person holds it.
    case takeOver(OperatorIdentity)
    /// Makes a person responsible for the open escalation; refused while another holds it.
    case assign(OperatorIdentity)
    /// A reply to the visitor by the person who holds the conversation.
    case reply(OperatorIdentity, text: String)
    /// An internal note by any operator.
    case note(OperatorIdentity, text: String)
    /// The visitor wrote while a person holds the conversation (the message is already stored).
    case visitorWrote(StoredMessage)
    /// Ends the open escalation: handed back to the bot, or closed.
    case release(HandoffOutcome, by: OperatorIdentity)
}

/// What a change stored: its events (none when it changed nothing, such as taking over a
/// conversation one already holds) and its message, if it wrote one.
public struct HandoffRecord: Sendable, Equatable {
    public var events: [SessionEvent]
    public var message: StoredMessage?
    /// The store told the other processes of the events itself, in the statement that stored
    /// them (PostgreSQL's NOTIFY): only this process's followers are left to tell.
    public var toldOtherProcesses: Bool

    public init(events: [SessionEvent], message: StoredMessage? = nil, toldOtherProcesses: Bool = false) {
        self.events = events
        self.message = message
        self.toldOtherProcesses = toldOtherProcesses
    }
}

/// The live hand-over's durable state: escalations with their holder, operators' messages and
/// notes, and each conversation's numbered events, every query scoped by tenant.
public protocol LiveConversationStore: Sendable {
    /// Applies `change` to the tenant's conversation in one transaction (messages and events are
    /// stored before anyone is told). Throws not found for another tenant's or an unknown
    /// conversation, conflict when the conversation's holder forbids the change.
    func apply(_ change: HandoffChange, tenant: TenantID, session: SessionID, at: Date) async throws -> HandoffRecord
    /// The conversation's stored events after `sequence`, oldest first, at most `limit`.
    func events(tenant: TenantID, session: SessionID, after sequence: Int64, limit: Int) async throws -> [SessionEvent]
    /// The number of the conversation's latest stored event (0: none yet).
    func lastSequence(tenant: TenantID, session: SessionID) async throws -> Int64
    /// How long the tenant's latest escalations waited until a person took them over, newest first.
    func recentWaits(tenant: TenantID, limit: Int) async throws -> [Duration]
}

/// Carries a conversation's events to whoever follows it in this process, and (with PostgreSQL)
/// to other processes. Delivery is best effort: followers of stored events fill any gap from
/// the store, so a lost notice delays an event but never loses it.
public protocol SessionEventBus: Sendable {
    /// Tells followers of the event's conversation and tenant; stored events must be stored first.
    func publish(_ event: SessionEvent) async
    /// The events of one conversation (`session`), or of all the tenant's conversations (nil),
    /// from now on, until the subscriber stops iterating or the bus shuts down.
    func subscribe(tenant: TenantID, session: SessionID?) async -> AsyncStream<SessionEvent>
    /// Tells this process's followers only: the other processes were told when it was stored.
    func publishHere(_ event: SessionEvent) async
}

extension SessionEventBus {
    /// One process: its followers are everyone.
    public func publishHere(_ event: SessionEvent) async {
        await publish(event)
    }

    /// Tells followers of a change's events: everywhere, or here only when the store already
    /// told the other processes.
    public func publish(_ record: HandoffRecord) async {
        for event in record.events {
            if record.toldOtherProcesses { await publishHere(event) } else { await publish(event) }
        }
    }
}
