import Dispatch
import ParleyCore

/// Runs blocking work (a child process, a synchronous read) on a global dispatch queue, so that
/// tests never hold one of the few threads of Swift's cooperative pool: on a 2-core machine two
/// blocked threads stall every other test's tasks.
public func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await DispatchQueue.global().perform(work)
}
