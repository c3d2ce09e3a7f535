import Fluent
import Vapor

/// The application's database once per event loop, made at start, for requests to use instead of
/// `request.db(.parley)`.
///
/// `request.db` makes a new database value on every call: Fluent's registry takes its lock,
/// copies the request's logger to add the database id, and the driver wraps the connection pool
/// (for PostgreSQL, in the prepared-statement wrapper, with two dynamic casts). A chat turn asked
/// four times (its POST and its GET, each resolving the tenant and building the context), and
/// under 64 visitors on PostgreSQL that was about 2% of the server's CPU (`perf`). A value made
/// once per loop serves the same connection pool as the request's own would (Fluent's pools are
/// per event loop), so queries behave exactly as before.
///
/// One difference: Fluent's own query log lines (DEBUG only) carry the application's logger
/// rather than the request's, so they lack the request id. Parley logs nothing through a
/// database's logger.
struct LoopDatabases: Sendable {
    private let id: DatabaseID
    private let byLoop: [ObjectIdentifier: any Database]

    /// One database `id` per loop of `app`'s event-loop group (the loops Vapor serves requests on).
    init(_ app: Application, id: DatabaseID) {
        self.id = id
        var byLoop: [ObjectIdentifier: any Database] = [:]
        for loop in app.eventLoopGroup.makeIterator() {
            if let database = app.databases.database(id, logger: app.logger, on: loop) {
                byLoop[ObjectIdentifier(loop)] = database
            }
        }
        self.byLoop = byLoop
    }

    /// The database for a request: its loop's, or a new one for a loop outside the group.
    func database(for request: Request) -> any Database {
        byLoop[ObjectIdentifier(request.eventLoop)] ?? request.db(id)
    }

    /// How many loops have one (tests).
    var count: Int { byLoop.count }
}
