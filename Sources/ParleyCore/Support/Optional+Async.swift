extension Optional where Wrapped: Sendable {
    /// `flatMap` with an async transform.
    public func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
