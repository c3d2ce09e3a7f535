import FluentKit
import Foundation
import ParleyCore
import SQLKit

/// The answer's write opening the turn's escalation: the escalation's row and its `escalated`
/// event go in with the answer (only if the answer was written, the event only if the
/// conversation had no open escalation). On PostgreSQL that is the answer's one statement with
/// two more CTEs (and the event's NOTIFY), where opening it after the answer took two more
/// statements and commits; on SQLite the same batch (one transaction, one trip to the
/// connection's thread) with two more statements.
extension SQLTurnAnswerStore {
    public func append(tenant: TenantID, session: SessionID, answer: NewMessage, calls: [LLMCallRecord],
                       opening: EscalationOpening) async throws -> (message: StoredMessage, escalation: EscalationOpeningOutcome) {
        do {
            if let written = try await appendOpening(tenant: tenant, session: session, answer: answer, calls: calls, opening: opening) {
                return written
            }
        } catch let error as ParleyError {
            throw error
        } catch {
            // Nothing was written (one statement, or one transaction). Most likely the event's
            // number raced a concurrent hand-over event's: the answer goes in alone, and the turn
            // opens the escalation after it, as without an opening (that path retries such races).
        }
        return (try await append(tenant: tenant, session: session, answer: answer, calls: calls), .notAttempted)
    }

    /// Nil when the database cannot take them together now (the SQLite connection is held by a
    /// transaction): nothing was written.
    private func appendOpening(tenant: TenantID, session: SessionID, answer: NewMessage, calls: [LLMCallRecord],
                               opening: EscalationOpening) async throws -> (message: StoredMessage, escalation: EscalationOpeningOutcome)? {
        let sql = try self.sql
        let stored = FluentConversationStore.appended(answer, tenant: tenant, session: session)
        var escalation = opening.escalation
        // The answer's conversation, whatever the opening said: the answer's INSERT is what checks it is the tenant's.
        (escalation.tenantID, escalation.sessionID, escalation.messageID) = (tenant, session, stored.id)
        let event = SessionEventStatement.escalated(escalation.reason, expectedWait: opening.expectedWait, staffed: opening.staffed,
                                                    tenant: tenant, session: session, at: escalation.createdAt)
        if sql.dialect.name == "postgresql" {
            var statement = Self.withAnswer(stored, calls: calls) + """
                , escalation AS (\(SQLEscalations.insertion(of: escalation, when: "EXISTS (SELECT 1 FROM answer)"))),
                event AS (\(event.insertion(when: "EXISTS (SELECT 1 FROM escalation)")))
                SELECT id, (SELECT seq FROM event) AS event_seq
                """
            if let notices { statement = statement + ", (SELECT \(event.notice(from: notices)) FROM event) AS notice" }
            guard let row = try await sql.raw(statement + " FROM answer").first() else { throw FluentConversationStore.unknownSession }
            guard let sequence = try row.decode(column: "event_seq", as: Int64?.self) else { return (stored, .alreadyOpen) }
            return (stored, .opened(HandoffRecord(events: [event.stored(as: sequence)], toldOtherProcesses: notices != nil)))
        }
        guard let batching = sql as? any SQLStatementBatching else { return nil }
        let opened: SQLQueryString = "SELECT 1 FROM escalations WHERE tenant_id = \(uuid: tenant.uuid) AND id = \(uuid: escalation.id.uuid)"
        let statements = Self.batch(of: stored, calls: calls) + [
            SQLEscalations.insertion(of: escalation, when: "EXISTS (\(Self.written(stored)))"),
            event.insertion(when: "EXISTS (\(opened))"),
        ]
        guard let rows = try await batching.batch(statements) else { return nil }
        guard rows[0].count == 1 else { throw FluentConversationStore.unknownSession }
        guard let row = rows[rows.count - 1].first else { return (stored, .alreadyOpen) }
        return (stored, .opened(HandoffRecord(events: [event.stored(as: try row.decode(column: "seq", as: Int64.self))])))
    }
}
