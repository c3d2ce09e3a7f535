import FluentKit

/// A database configuration that changes how the wrapped one's driver makes its databases;
/// the model middleware stays the wrapped configuration's.
protocol WrappingDatabaseConfiguration: DatabaseConfiguration {
    var wrapped: any DatabaseConfiguration { get set }
}

extension WrappingDatabaseConfiguration {
    var middleware: [any AnyModelMiddleware] {
        get { wrapped.middleware }
        set { wrapped.middleware = newValue }
    }
}

/// A driver around the wrapped configuration's driver, which it shuts down.
protocol WrappingDatabaseDriver: DatabaseDriver {
    var wrapped: any DatabaseDriver { get }
}

extension WrappingDatabaseDriver {
    func shutdown() { wrapped.shutdown() }
    func shutdownAsync() async { await wrapped.shutdownAsync() }
}
