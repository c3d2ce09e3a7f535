import Foundation
import Logging
import ParleyCore

/// Decides whether a turn hands its conversation to a person, and records it: the visitor asked
/// for one, or the answer's confidence fell below the tenant's escalation threshold (unless the
/// visitor only greeted or thanked).
public struct TurnEscalation: TurnEscalating {
    private let store: any EscalationStore
    private let policies: @Sendable (TenantID) async -> HandoffPolicy
    /// The tenant's side of the hand-over, which tells the visitor and the operators that a
    /// conversation now waits for a person (nil: no one is told).
    private let handoff: (@Sendable (TenantID) -> VisitorHandoff)?
    private let logger: Logger
    private let now: @Sendable () -> Date

    public init(store: any EscalationStore, policies: @escaping @Sendable (TenantID) async -> HandoffPolicy,
                handoff: (@Sendable (TenantID) -> VisitorHandoff)? = nil,
                logger: Logger = Logger(label: "parley.handoff"), now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.policies = policies
        self.handoff = handoff
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
                logEscalated(tenant: tenant, session: session, reason: reason)
                await handoff?(tenant).announceEscalation(session, reason: reason, staffed: await policies(tenant).isStaffed(at: now()))
            }
        } catch {
            logger.error("escalation could not be recorded", metadata: ["event": "escalation_failed", "error": "\(type(of: error))"])
        }
    }

    /// The escalation with its notice, for the answer's write to store; nil without a hand-over
    /// to announce it, or when its notice cannot be made now (then `escalate` opens it after).
    public func opening(tenant: TenantID, session: SessionID, reason: EscalationReason, confidence: AnswerConfidence?) async -> EscalationOpening? {
        guard let handoff else { return nil }
        let at = now()
        let staffed = await policies(tenant).isStaffed(at: at)
        let wait: Duration?
        do {
            wait = try await handoff(tenant).expectedWait(staffed: staffed)
        } catch {
            return nil
        }
        return EscalationOpening(escalation: Escalation(tenantID: tenant, sessionID: session, reason: reason, messageID: nil,
                                                        confidence: confidence?.score, createdAt: at),
                                 expectedWait: wait, staffed: staffed)
    }

    public func announce(_ record: HandoffRecord, opening: EscalationOpening) async {
        let escalation = opening.escalation
        logEscalated(tenant: escalation.tenantID, session: escalation.sessionID, reason: escalation.reason)
        await handoff?(escalation.tenantID).publish(record)
    }

    private func logEscalated(tenant: TenantID, session: SessionID, reason: EscalationReason) {
        logger.info("conversation escalated", metadata: ["event": "escalated", "tenant_id": "\(tenant)", "session_id": "\(session)",
                                                         "reason": "\(reason.rawValue)"])
    }
}
