import Foundation

/// Lets one ingestion at a time embed its chunks in this process. Embedding is CPU-bound and
/// already uses every core, so two at once would only make both slower; but fetching and
/// reading sources (network-bound) runs beside it, so a slow web server never holds up another
/// tenant's text source. Waiters are served in arrival order.
public actor EmbeddingGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    public func run<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await work()
    }

    private func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }
}
