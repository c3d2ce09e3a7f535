import Dispatch

extension DispatchQueue {
    /// Runs `work` on this queue and returns its result to the awaiting task. For blocking or
    /// CPU-heavy work that must hold neither an event loop nor a thread of the concurrency pool.
    public func perform<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            self.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
