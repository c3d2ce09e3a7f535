import Foundation

/// Thrown by `withDeadline` when the work did not finish in time.
public struct DeadlineExceeded: Error, Equatable {
    public init() {}
}

/// Runs `work` with one deadline over all of it: the work is cancelled when `timeout` passes,
/// and `DeadlineExceeded` is thrown. Used around an HTTP exchange's head *and* body, because
/// AsyncHTTPClient's own deadline ends when the head arrives (DESIGN.md, pitfalls).
public func withDeadline<T: Sendable>(_ timeout: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await work() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw DeadlineExceeded() }
        return value
    }
}
