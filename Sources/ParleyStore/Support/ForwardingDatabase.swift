import FluentKit
import NIOCore

/// A database wrapping the driver's own, that changes how some statements run (prepared on
/// PostgreSQL, direct on SQLite) and passes Fluent's model queries, schema and enum changes to
/// the wrapped one unchanged.
protocol ForwardingDatabase: Database {
    var base: any Database { get }
}

extension ForwardingDatabase {
    var context: DatabaseContext { base.context }
    var inTransaction: Bool { base.inTransaction }

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) -> EventLoopFuture<Void> {
        base.execute(query: query, onOutput: onOutput)
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> { base.execute(schema: schema) }
    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> { base.execute(enum: `enum`) }
}
