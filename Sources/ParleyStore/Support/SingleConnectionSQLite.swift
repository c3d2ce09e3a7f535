import FluentKit
import NIOCore
import NIOPosix

/// SQLite through one connection for the whole process, instead of FluentSQLiteDriver's one per
/// event loop.
///
/// SQLite allows one writer at a time, and sqlite-nio's busy handler retries without sleeping:
/// with a connection per event loop, a statement that found the other connection writing spun
/// on a thread-pool thread until it finished. Under a chat load on two cores that spinning
/// (`btreeBeginTrans`, `walTryBeginRead`) was 27% of the server's CPU. One connection never
/// waits for another of its own process, keeps its page cache (no other connection of the
/// process changes the file under it), and queues statements in the pool's wait list instead.
///
/// The driver's pool is built on one event loop of the application's group; every `Database`
/// made from it runs there, whichever loop the request came in on (async callers do not mind).
///
/// The connection's statements run on a thread of their own, not on the application's thread
/// pool: one connection runs one statement at a time, and a pool of several threads woke a
/// different idle one for nearly every statement (a context switch each, and a cold cache).
/// Measured at 64 concurrent visitors on SQLite, six runs alternating with the shared pool of
/// four threads: 3.44 against 3.65 ms of server CPU per turn. Slow blocking work that is not a
/// statement (the WAL checkpointer, file reads) stays on the application's pool.
struct SingleConnectionSQLite: WrappingDatabaseConfiguration {
    var wrapped: any DatabaseConfiguration
    /// Whether SQLKit statements outside transactions run on ``DirectSQLiteLane``.
    var directStatements = true

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        let loop = databases.eventLoopGroup.next()
        let statements = NIOThreadPool(numberOfThreads: 1)
        statements.start()
        let oneLoop = Databases(threadPool: statements, on: loop)
        return Driver(wrapped: wrapped.makeDriver(for: oneLoop), loop: loop, statements: statements,
                      lane: directStatements ? DirectSQLiteLane(thread: statements) : nil)
    }

    struct Driver: WrappingDatabaseDriver {
        let wrapped: any DatabaseDriver
        let loop: any EventLoop
        /// The connection's thread, stopped after the connection is closed.
        let statements: NIOThreadPool
        /// SQLKit statements outside transactions, run on that thread directly.
        let lane: DirectSQLiteLane?

        func shutdown() {
            lane?.finalizeStatementsAndWait()
            wrapped.shutdown()
            try? statements.syncShutdownGracefully()
        }

        func shutdownAsync() async {
            await lane?.finalizeStatements()
            await wrapped.shutdownAsync()
            try? await statements.shutdownGracefully()
        }

        func makeDatabase(with context: DatabaseContext) -> any Database {
            let database = wrapped.makeDatabase(with: DatabaseContext(configuration: context.configuration, logger: context.logger,
                                                                      eventLoop: loop, history: context.history,
                                                                      pageSizeLimit: context.pageSizeLimit, shouldTrace: context.shouldTrace))
            return lane.flatMap { DirectSQLiteDatabase(wrapping: database, lane: $0) } ?? database
        }
    }
}
