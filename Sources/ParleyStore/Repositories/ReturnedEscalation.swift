import Foundation
import ParleyCore
import SQLKit

/// A conversation's open escalation as one column of a `RETURNING` list on `messages`: NULL when
/// there is none, '' while no one has taken it over, else the person holding it as
/// "<operator id> <name>". There is at most one open escalation per conversation (a partial
/// unique index), so one scalar subquery reads it.
///
/// It was three subqueries (the holder's id, the holder's name, whether one is open). SQLite
/// prepares every statement anew, and each correlated subquery in a `RETURNING` list costs it
/// about 30 µs to prepare: the stream's redemption took 140 µs to prepare with four and 30 µs
/// with one, on every chat turn.
enum ReturnedEscalation {
    static let column: SQLQueryString = """
        (SELECT CASE WHEN e.taken_over_at IS NULL OR e.operator_id IS NULL THEN ''
                     ELSE CAST(e.operator_id AS TEXT) || ' ' || COALESCE(e.operator_name, '') END
         FROM escalations e WHERE e.session_id = messages.session_id AND e.tenant_id = messages.tenant_id AND e.resolved_at IS NULL)
         AS open_escalation
        """

    /// Whether the row's conversation has an open escalation, and who holds it.
    static func read(_ row: any SQLRow) throws -> (escalated: Bool, holder: OperatorIdentity?) {
        guard let text = try row.decode(column: "open_escalation", as: String?.self) else { return (false, nil) }
        guard !text.isEmpty else { return (true, nil) }
        let space = text.firstIndex(of: " ") ?? text.endIndex
        guard let id = UUID(uuidString: String(text[..<space])) else {
            throw ParleyError.internalFailure("An escalation's operator id is malformed.")
        }
        let name = space < text.endIndex ? String(text[text.index(after: space)...]) : ""
        return (true, OperatorIdentity(id: AdminUserID(id), name: name))
    }
}
