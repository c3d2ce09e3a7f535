import Synchronization
import VaporCSQLite

/// Gives every SQLite connection this process opens a token that SQL can read
/// (`SELECT parley_connection_token()`), and maps live tokens to their `sqlite3` handles.
///
/// sqlite-nio keeps a connection's handle to itself. ``DirectSQLiteDatabase`` needs it to run
/// statements on the connection's own thread without sqlite-nio's hand-offs, so it asks the
/// connection (through sqlite-nio, leased from the pool like any statement) for its token and
/// looks the handle up here. The handle comes from SQLite's documented hook for new
/// connections (`sqlite3_auto_extension`), registered before Parley's connection opens; the
/// token's function is dropped by SQLite when the connection closes, which removes the entry,
/// so a closed connection's handle is never handed out. Tokens are never reused (a new
/// connection may get the address of a closed one).
///
/// The library is sqlite-nio's own copy of SQLite (`sqlite_nio_sqlite3_*`): the process must
/// never link a second copy, whose file locks would not see the first's.
enum SQLiteConnectionTokens {
    static let functionName = "parley_connection_token"

    private struct State {
        var next: Int = 1
        var handles: [Int: UInt] = [:]
    }

    private static let state = Mutex(State())
    private static let installed = Mutex(false)

    /// Registers the hook once per process; connections opened before it have no token.
    static func install() {
        installed.withLock { done in
            guard !done else { return }
            done = true
            _ = sqlite_nio_sqlite3_auto_extension(unsafeBitCast(entryPoint, to: (@convention(c) () -> Void).self))
        }
    }

    /// The open connection with this token, or nil once it closed.
    static func handle(_ token: Int) -> OpaquePointer? {
        state.withLock { $0.handles[token] }.flatMap { OpaquePointer(bitPattern: $0) }
    }

    /// Called by SQLite for each new connection: installs the token function.
    private static let entryPoint: @convention(c) (OpaquePointer?, OpaquePointer?, OpaquePointer?) -> Int32 = { db, _, _ in
        guard let db else { return SQLITE_OK }
        let token = SQLiteConnectionTokens.state.withLock { state in
            defer { state.next += 1 }
            state.handles[state.next] = UInt(bitPattern: db)
            return state.next
        }
        let status = sqlite_nio_sqlite3_create_function_v2(
            db, functionName, 0, SQLITE_UTF8 | SQLITE_DIRECTONLY, UnsafeMutableRawPointer(bitPattern: token),
            tokenFunction, nil, nil, forgetToken)
        if status != SQLITE_OK { _ = SQLiteConnectionTokens.state.withLock { $0.handles.removeValue(forKey: token) } }
        return SQLITE_OK
    }

    private static let tokenFunction: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = { context, _, _ in
        sqlite_nio_sqlite3_result_int64(context, Int64(Int(bitPattern: sqlite_nio_sqlite3_user_data(context))))
    }

    /// SQLite drops the function when the connection closes.
    private static let forgetToken: @convention(c) (UnsafeMutableRawPointer?) -> Void = { pointer in
        let token = Int(bitPattern: pointer)
        _ = SQLiteConnectionTokens.state.withLock { $0.handles.removeValue(forKey: token) }
    }
}
