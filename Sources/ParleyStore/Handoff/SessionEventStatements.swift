import Foundation
import ParleyCore
import SQLKit

/// The SQL that stores a conversation's event: numbered after the conversation's last (two
/// writers that pick the same number collide on the unique index on (session_id, seq), and
/// the loser is retried), and on PostgreSQL the expression that sends its notice from the same
/// statement. Shared by the hand-over's changes and the turn's answer, which opens an
/// escalation and stores its event in one write.
struct SessionEventStatement {
    let tenant: TenantID
    let session: SessionID
    let kind: SessionEventKind
    let data: JSONValue
    let at: Date

    /// The INSERT, adding a row only when `condition` holds; `RETURNING seq`.
    func insertion(when condition: SQLQueryString) -> SQLQueryString {
        """
        INSERT INTO session_events (tenant_id, session_id, seq, kind, data, created_at)
        SELECT \(bind: tenant.uuid), \(bind: session.uuid), next.seq, \(bind: kind.rawValue), \(JSONObject(data).bound), \(bind: Millis.of(at))
        FROM (SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM session_events WHERE session_id = \(bind: session.uuid)) AS next
        WHERE \(condition)
        RETURNING seq
        """
    }

    /// The INSERT when the conversation is the tenant's.
    var insertionIntoTenantsConversation: SQLQueryString {
        insertion(when: "EXISTS (SELECT 1 FROM sessions WHERE tenant_id = \(bind: tenant.uuid) AND id = \(bind: session.uuid))")
    }

    /// `pg_notify` of the stored event, whose number is the column `seq` of the row it is
    /// evaluated on: the same notice `PostgresSessionEventBus` sends. It leaves at commit, so
    /// no process hears of an event before it is stored, and a lost race's notice is never sent.
    func notice(from notices: SessionEventNotices) -> SQLQueryString {
        """
        pg_notify(\(bind: PostgresSessionEventBus.channel), json_build_object(
            'origin', \(bind: notices.origin), 'tenant', \(bind: tenant.uuid), 'session', \(bind: session.uuid), 'sequence', seq,
            'kind', \(bind: kind.rawValue), 'data', \(bind: SessionEventNotices.carried(data)), 'createdAt', \(bind: Millis.of(at)))::text)
        """
    }

    /// The event as stored with number `sequence`.
    func stored(as sequence: Int64) -> SessionEvent {
        SessionEvent(tenantID: tenant, sessionID: session, sequence: sequence, kind: kind, data: data, createdAt: at)
    }

    /// An escalation's event: why, whether anyone is working, and the wait to expect.
    static func escalated(_ reason: EscalationReason, expectedWait wait: Duration?, staffed: Bool,
                          tenant: TenantID, session: SessionID, at: Date) -> SessionEventStatement {
        var data: [String: JSONValue] = ["reason": .string(reason.rawValue), "staffed": .bool(staffed)]
        if let wait { data["expected_wait_seconds"] = .number(Double(wait.components.seconds)) }
        return SessionEventStatement(tenant: tenant, session: session, kind: .escalated, data: .object(data), at: at)
    }
}
