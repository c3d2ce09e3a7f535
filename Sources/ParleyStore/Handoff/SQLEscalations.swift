import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// Escalations in `escalations`, every query scoped by tenant.
public struct SQLEscalations: EscalationStore {
    static let table = "escalations"
    static let columns = "id, tenant_id, session_id, reason, message_id, confidence, created_at, resolved_at, operator_id, operator_name, taken_over_at, outcome"

    private let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    private var sql: any SQLDatabase {
        get throws {
            guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("Escalations need an SQL database.") }
            return sql
        }
    }

    public func open(_ escalation: Escalation) async throws -> (escalation: Escalation, isNew: Bool) {
        // The partial unique index keeps one open escalation per conversation, whichever process writes.
        let inserted = try await sql.raw(Self.insertion(of: escalation, when: """
            EXISTS (SELECT 1 FROM sessions WHERE id = \(bind: escalation.sessionID.uuid) AND tenant_id = \(bind: escalation.tenantID.uuid))
            """)).all()
        if !inserted.isEmpty { return (escalation, true) }
        guard let current = try await openEscalation(tenant: escalation.tenantID, session: escalation.sessionID) else {
            throw ParleyError.notFound("unknown_session", "The conversation does not exist.")
        }
        return (current, false)
    }

    /// The INSERT of `escalation` when `condition` holds and the conversation has none open
    /// (`RETURNING id`: no row when it had one).
    static func insertion(of escalation: Escalation, when condition: SQLQueryString) -> SQLQueryString {
        """
        INSERT INTO escalations (id, tenant_id, session_id, reason, message_id, confidence, created_at)
        SELECT \(bind: escalation.id.uuid), \(bind: escalation.tenantID.uuid), \(bind: escalation.sessionID.uuid), \(bind: escalation.reason.rawValue),
               \(bind: escalation.messageID?.uuid), \(bind: escalation.confidence), \(bind: Millis.of(escalation.createdAt))
        WHERE \(condition)
        ON CONFLICT DO NOTHING
        RETURNING id
        """
    }

    public func openEscalation(tenant: TenantID, session: SessionID) async throws -> Escalation? {
        try await Self.openEscalation(tenant: tenant, session: session, on: sql)
    }

    /// The conversation's open escalation (at most one), on a given connection or transaction.
    static func openEscalation(tenant: TenantID, session: SessionID, on sql: any SQLDatabase) async throws -> Escalation? {
        try await sql.raw("""
            SELECT \(unsafeRaw: columns) FROM escalations
            WHERE tenant_id = \(bind: tenant.uuid) AND session_id = \(bind: session.uuid) AND resolved_at IS NULL
            """).first().map(decode)
    }

    public func openEscalations(tenant: TenantID, limit: Int) async throws -> [Escalation] {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM escalations
            WHERE tenant_id = \(bind: tenant.uuid) AND resolved_at IS NULL ORDER BY created_at, id LIMIT \(literal: max(0, min(limit, 1000)))
            """).all().map(Self.decode)
    }

    public func escalation(tenant: TenantID, id: EscalationID) async throws -> Escalation? {
        try await sql.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM escalations WHERE tenant_id = \(bind: tenant.uuid) AND id = \(bind: id.uuid)
            """).first().map(Self.decode)
    }

    static func decode(_ row: any SQLRow) throws -> Escalation {
        guard let reason = EscalationReason(rawValue: try row.decode(column: "reason", as: String.self)) else {
            throw ParleyError.internalFailure("An escalation has an unknown reason.")
        }
        var escalation = Escalation(id: EscalationID(try row.decode(column: "id", as: UUID.self)),
                          tenantID: TenantID(try row.decode(column: "tenant_id", as: UUID.self)),
                          sessionID: SessionID(try row.decode(column: "session_id", as: UUID.self)), reason: reason,
                          messageID: try row.decode(column: "message_id", as: UUID?.self).map(MessageID.init),
                          confidence: try row.decode(column: "confidence", as: Double?.self),
                          createdAt: Millis.date(try row.decode(column: "created_at", as: Int64.self)),
                          resolvedAt: try row.decode(column: "resolved_at", as: Int64?.self).map(Millis.date))
        if let operatorID = try row.decode(column: "operator_id", as: UUID?.self) {
            escalation.assignee = OperatorIdentity(id: AdminUserID(operatorID), name: try row.decode(column: "operator_name", as: String?.self) ?? "")
        }
        escalation.takenOverAt = try row.decode(column: "taken_over_at", as: Int64?.self).map(Millis.date)
        escalation.outcome = try row.decode(column: "outcome", as: String?.self).flatMap(HandoffOutcome.init(rawValue:))
        return escalation
    }
}
