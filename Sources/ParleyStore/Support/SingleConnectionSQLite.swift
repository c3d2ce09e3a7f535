import FluentKit
import NIOCore

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
struct SingleConnectionSQLite: WrappingDatabaseConfiguration {
    var wrapped: any DatabaseConfiguration

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        let loop = databases.eventLoopGroup.next()
        let oneLoop = Databases(threadPool: databases.threadPool, on: loop)
        return Driver(wrapped: wrapped.makeDriver(for: oneLoop), loop: loop)
    }

    struct Driver: WrappingDatabaseDriver {
        let wrapped: any DatabaseDriver
        let loop: any EventLoop

        func makeDatabase(with context: DatabaseContext) -> any Database {
            wrapped.makeDatabase(with: DatabaseContext(configuration: context.configuration, logger: context.logger, eventLoop: loop,
                                                       history: context.history, pageSizeLimit: context.pageSizeLimit,
                                                       shouldTrace: context.shouldTrace))
        }
    }
}
