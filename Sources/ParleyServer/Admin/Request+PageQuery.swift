import ParleyCore
import Vapor

extension Request {
    /// A list's page from the query, checked: `limit` (1–200, 50) and `after`, the `next` value
    /// of an earlier page (the conversation and lead lists page the same way).
    func pageQuery() throws -> (cursor: ConversationCursor?, limit: Int) {
        let limit = query[Int.self, at: "limit"] ?? 50
        guard (1 ... 200).contains(limit) else { throw ParleyError.badRequest("invalid_limit", "limit must be 1 to 200.") }
        guard let after = query[String.self, at: "after"], !after.isEmpty else { return (nil, limit) }
        guard let cursor = ConversationCursor(token: after) else {
            throw ParleyError.badRequest("invalid_cursor", "after must be a next value from an earlier page.")
        }
        return (cursor, limit)
    }
}
