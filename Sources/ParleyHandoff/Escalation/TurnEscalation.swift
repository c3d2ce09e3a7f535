import Foundation
import Logging
import ParleyCore

/// Decides whether a turn hands its conversation to a person, and records it: the visitor asked
/// for one, or the answer's confidence fell below the tenant's escalation threshold (unless the
/// visitor only greeted or thanked).
public struct TurnEscalation: TurnEscalating {
    private let store: any EscalationStore
    private let policies: @Sendable (TenantID) async -> HandoffPolicy
    /// Tells the visitor and the operators that a conversation now waits for a person, and
    /// whether anyone is working (the tenant's business hours).
    private let announce: @Sendable (TenantID, SessionID, EscalationReason, Bool) async -> Void
    private let logger: Logger
    private let now: @Sendable () -> Date

    public init(store: any EscalationStore, policies: @escaping @Sendable (TenantID) async -> HandoffPolicy,
                announce: @escaping @Sendable (TenantID, SessionID, EscalationReason, Bool) async -> Void = { _, _, _, _ in },
                logger: Logger = Logger(label: "parley.handoff"), now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.policies = policies
        self.announce = announce
        self.logger = logger
        self.now = now
    }

    /// The tenant's rules, or nil for a greeting or a thank-you: it asks nothing that a low score could have got wrong.
    public func policy(tenant: TenantID, question: String) async -> HandoffPolicy? {
        SmallTalk.isSmallTalk(question) ? nil : await policies(tenant)
    }

    /// `policy` is what `policy(tenant:question:)` gave this turn's question.
    public func reason(question: String, confidence: AnswerConfidence?, policy: HandoffPolicy?) -> EscalationReason? {
        if PersonRequest.asksForPerson(question) { return .visitorRequest }
        if let confidence, let policy, confidence.score < policy.escalateBelow { return .lowConfidence }
        return nil
    }

    public func escalate(tenant: TenantID, session: SessionID, reason: EscalationReason, answer: MessageID, confidence: AnswerConfidence?) async {
        do {
            let opened = try await store.open(Escalation(tenantID: tenant, sessionID: session, reason: reason, messageID: answer,
                                                         confidence: confidence?.score, createdAt: now()))
            if opened.isNew {
                logger.info("conversation escalated", metadata: ["event": "escalated", "tenant_id": "\(tenant)", "session_id": "\(session)",
                                                                 "reason": "\(reason.rawValue)"])
                await announce(tenant, session, reason, await policies(tenant).isStaffed(at: now()))
            }
        } catch {
            logger.error("escalation could not be recorded", metadata: ["event": "escalation_failed", "error": "\(type(of: error))"])
        }
    }
}
