import Foundation
import Logging
import ParleyCore

/// The thresholds a tenant's answers are held to: `handoff.*` of parley.yaml under the tenant's
/// own `handoff.*` settings.
public struct HandoffThresholds: Sendable, Equatable {
    public var escalateBelow: Double
    public var refuseBelow: Double

    public init(escalateBelow: Double = 0.6, refuseBelow: Double = 0.3) {
        self.escalateBelow = escalateBelow
        self.refuseBelow = refuseBelow
    }

    /// The configuration's thresholds, each replaced by the tenant's setting when that is a number in [0, 1].
    public init(config: ParleyConfig.HandoffSection, tenantSettings: JSONValue) {
        func setting(_ key: String, _ fallback: Double) -> Double {
            guard let value = tenantSettings["handoff"]?[key]?.doubleValue, (0 ... 1).contains(value) else { return fallback }
            return value
        }
        self.init(escalateBelow: setting("escalate_below", config.escalateBelow), refuseBelow: setting("refuse_below", config.refuseBelow))
    }
}

/// Decides whether a turn hands its conversation to a person, and records it: the visitor asked
/// for one, or the answer's confidence fell below the tenant's escalation threshold (unless the
/// visitor only greeted or thanked).
public struct TurnEscalation: TurnEscalating {
    private let store: any EscalationStore
    private let thresholds: @Sendable (TenantID) async -> HandoffThresholds
    private let logger: Logger
    private let now: @Sendable () -> Date

    public init(store: any EscalationStore, thresholds: @escaping @Sendable (TenantID) async -> HandoffThresholds,
                logger: Logger = Logger(label: "parley.handoff"), now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.thresholds = thresholds
        self.logger = logger
        self.now = now
    }

    public func reason(tenant: TenantID, question: String, confidence: AnswerConfidence?) async -> EscalationReason? {
        if PersonRequest.asksForPerson(question) { return .visitorRequest }
        // A greeting or a thank-you asks nothing that a low score could have got wrong.
        if let confidence, !SmallTalk.isSmallTalk(question), confidence.score < (await thresholds(tenant)).escalateBelow { return .lowConfidence }
        return nil
    }

    public func escalate(tenant: TenantID, session: SessionID, reason: EscalationReason, answer: MessageID, confidence: AnswerConfidence?) async {
        do {
            let opened = try await store.open(Escalation(tenantID: tenant, sessionID: session, reason: reason, messageID: answer,
                                                         confidence: confidence?.score, createdAt: now()))
            if opened.isNew {
                logger.info("conversation escalated", metadata: ["event": "escalated", "tenant_id": "\(tenant)", "session_id": "\(session)",
                                                                 "reason": "\(reason.rawValue)"])
            }
        } catch {
            logger.error("escalation could not be recorded", metadata: ["event": "escalation_failed", "error": "\(type(of: error))"])
        }
    }
}
