import Foundation
import ParleyCore
import SQLKit

extension SQLSelectBuilder {
    /// Keyset paging newest first on (`time`, `id`): the rows after `cursor` (all of them without
    /// one), in that order, so that page 200 costs what page 1 does and a row that changes while
    /// someone pages is neither repeated nor skipped among the others.
    ///
    /// Times read back are rounded to the microsecond (sqlite-nio), and stored as seconds since
    /// 1970 in a Double (steps of 0.24 µs today), so the cursor's time matches its row within
    /// about 0.7 µs, not exactly: a window of 1 µs is "the same time", and within it the id decides.
    @discardableResult
    func keysetPage(after cursor: ConversationCursor?, time: any SQLExpression, id: any SQLExpression) -> Self {
        if let cursor {
            let (low, high) = (cursor.lastActivityAt.addingTimeInterval(-1e-6), cursor.lastActivityAt.addingTimeInterval(1e-6))
            self.where { group in
                group.where(time, .lessThan, SQLBind(low))
                    .orWhere { tie in tie.where(time, .lessThanOrEqual, SQLBind(high)).where(id, .lessThan, SQLBind(cursor.session.uuid)) }
            }
        }
        return orderBy(time, SQLDirection.descending).orderBy(id, SQLDirection.descending)
    }
}
