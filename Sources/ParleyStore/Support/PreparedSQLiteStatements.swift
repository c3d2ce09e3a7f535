import VaporCSQLite

/// Statements of the direct lane prepared once per connection and kept, by their text.
///
/// sqlite-nio prepares every statement anew; a chat turn's few texts were parsed and planned
/// thousands of times a minute (about 8% of the server's CPU at 64 visitors). Kept statements
/// are reset after each use, so none holds a read transaction open between uses.
///
/// Only the connection's thread touches it (inside ``DirectSQLiteLane``'s blocks, which that
/// one thread runs one at a time): that confinement, not a lock, makes it safe to share (hence
/// `@unchecked Sendable`). A connection with live statements cannot be closed by sqlite-nio
/// (`sqlite3_close` refuses), so the lane finalizes them all before the driver shuts down
/// (`finalizeAll`) and keeps none afterwards.
/// At most `capacity` texts are kept; past it the least recently used one is finalized, so
/// texts that vary (an `IN` list's length) cannot grow it without bound.
final class PreparedSQLiteStatements: @unchecked Sendable {
    private struct Entry {
        let statement: OpaquePointer
        var lastUse: UInt64
    }

    static let capacity = 64

    private var db: OpaquePointer?
    private var entries: [String: Entry] = [:]
    private var uses: UInt64 = 0
    /// After `finalizeAll`: statements are prepared for one use and finalized.
    private var closed = false

    /// The statement for `sql` on `db`, prepared now or kept from before, and whether it is kept
    /// (the caller resets a kept one and finalizes one that is not).
    func statement(_ sql: String, on db: OpaquePointer) throws -> (statement: OpaquePointer?, kept: Bool) {
        if db != self.db { finalizeAll(reopening: true); self.db = db }
        uses += 1
        if let entry = entries[sql] {
            entries[sql]?.lastUse = uses
            return (entry.statement, true)
        }
        var statement: OpaquePointer?
        let flags = closed ? 0 : UInt32(SQLITE_PREPARE_PERSISTENT)
        let status = sqlite_nio_sqlite3_prepare_v3(db, sql, -1, flags, &statement, nil)
        guard status == SQLITE_OK else { throw DirectSQLiteError(db, status: status) }
        guard let statement, !closed else { return (statement, false) }
        if entries.count >= Self.capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            sqlite_nio_sqlite3_finalize(oldest.value.statement)
            entries[oldest.key] = nil
        }
        entries[sql] = Entry(statement: statement, lastUse: uses)
        return (statement, true)
    }

    /// Finalizes every kept statement; unless `reopening`, keeps none from now on.
    func finalizeAll(reopening: Bool = false) {
        for entry in entries.values { sqlite_nio_sqlite3_finalize(entry.statement) }
        entries.removeAll()
        if !reopening { closed = true }
    }
}
