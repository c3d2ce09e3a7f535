import Foundation
import ParleyCore

/// Escalations in memory, with the database's rule: one open escalation per conversation.
public actor InMemoryEscalationStore: EscalationStore {
    private var escalations: [Escalation] = []

    public init() {}

    public func open(_ escalation: Escalation) async throws -> (escalation: Escalation, isNew: Bool) {
        if let current = escalations.first(where: { $0.tenantID == escalation.tenantID && $0.sessionID == escalation.sessionID && $0.resolvedAt == nil }) {
            return (current, false)
        }
        escalations.append(escalation)
        return (escalation, true)
    }

    public func openEscalation(tenant: TenantID, session: SessionID) async throws -> Escalation? {
        escalations.first { $0.tenantID == tenant && $0.sessionID == session && $0.resolvedAt == nil }
    }

    public func escalation(tenant: TenantID, id: EscalationID) async throws -> Escalation? {
        escalations.first { $0.id == id && $0.tenantID == tenant }
    }

    public func openEscalations(tenant: TenantID, limit: Int) async throws -> [Escalation] {
        Array(escalations.filter { $0.tenantID == tenant && $0.resolvedAt == nil }.sorted { $0.createdAt < $1.createdAt }.prefix(limit))
    }
}
