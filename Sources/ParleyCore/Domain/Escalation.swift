import Foundation

/// Why a conversation was handed to a person.
public enum EscalationReason: String, Sendable, Codable, CaseIterable {
    /// An answer scored below the escalation threshold.
    case lowConfidence = "low_confidence"
    /// The visitor asked for a person.
    case visitorRequest = "visitor_request"
    /// The model decided so (structured output; a later slice of issue 18).
    case agentDecision = "agent_decision"
    /// An operator took over a conversation that had not asked for anyone.
    case operatorTakeover = "operator_takeover"
}

/// A conversation waiting for (or with) a person, until it is handed back or closed.
public struct Escalation: Sendable, Equatable {
    public var id: EscalationID
    public var tenantID: TenantID
    public var sessionID: SessionID
    public var reason: EscalationReason
    /// The answer (or the visitor's message) that triggered it.
    public var messageID: MessageID?
    /// The answer's confidence when the reason is low confidence.
    public var confidence: Double?
    public var createdAt: Date
    public var resolvedAt: Date?
    /// The operator responsible for it (assigned, or who took it over).
    public var assignee: OperatorIdentity?
    /// When the assignee took the conversation over (nil: the bot still answers).
    public var takenOverAt: Date?
    public var outcome: HandoffOutcome?

    /// The person answering the visitor instead of the bot, if any.
    public var holder: OperatorIdentity? { takenOverAt == nil ? nil : assignee }

    public init(id: EscalationID = EscalationID(), tenantID: TenantID, sessionID: SessionID, reason: EscalationReason, messageID: MessageID?,
                confidence: Double?, createdAt: Date, resolvedAt: Date? = nil) {
        self.id = id
        self.tenantID = tenantID
        self.sessionID = sessionID
        self.reason = reason
        self.messageID = messageID
        self.confidence = confidence
        self.createdAt = createdAt
        self.resolvedAt = resolvedAt
    }
}

/// Escalations (`escalations`), at most one open per conversation.
public protocol EscalationStore: Sendable {
    /// Opens an escalation unless the conversation has one open; returns the open one either way.
    func open(_ escalation: Escalation) async throws -> (escalation: Escalation, isNew: Bool)
    func openEscalation(tenant: TenantID, session: SessionID) async throws -> Escalation?
    /// The tenant's open escalations, oldest first (the operators' inbox), at most `limit`.
    func openEscalations(tenant: TenantID, limit: Int) async throws -> [Escalation]
    /// The tenant's escalation with that id, open or not (nil for another tenant's). Escalations
    /// end through `LiveConversationStore`, which tells the visitor.
    func escalation(tenant: TenantID, id: EscalationID) async throws -> Escalation?
}

/// What a chat turn asks about escalation: the rules it is held to (nil when a low score cannot
/// matter, as for a greeting), whether this turn calls for a person under those rules (before
/// the answer is stored, so that its metadata says so), then to record it.
public protocol TurnEscalating: Sendable {
    func policy(tenant: TenantID, question: String) async -> HandoffPolicy?
    func reason(question: String, confidence: AnswerConfidence?, policy: HandoffPolicy?) -> EscalationReason?
    /// Opens the conversation's escalation (no second one while one is open); failures are logged, not thrown.
    func escalate(tenant: TenantID, session: SessionID, reason: EscalationReason, answer: MessageID, confidence: AnswerConfidence?) async
    /// The escalation to open with the turn's answer, in the answer's write (nil: open it after
    /// the answer with `escalate`). Asked only when the turn escalates.
    func opening(tenant: TenantID, session: SessionID, reason: EscalationReason, confidence: AnswerConfidence?) async -> EscalationOpening?
    /// The answer's write opened the escalation and stored `record`: tells the visitor and the operators.
    func announce(_ record: HandoffRecord, opening: EscalationOpening) async
}

extension TurnEscalating {
    public func opening(tenant: TenantID, session: SessionID, reason: EscalationReason, confidence: AnswerConfidence?) async -> EscalationOpening? {
        nil
    }

    public func announce(_ record: HandoffRecord, opening: EscalationOpening) async {}
}
