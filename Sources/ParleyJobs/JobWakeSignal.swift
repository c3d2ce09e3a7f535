import Foundation

/// Wakes a sleeping worker early: signalled when this process enqueues a job, and by the
/// database's notifications (PostgreSQL `NOTIFY`) when another process does. Signals coalesce:
/// any number of signals while nobody waits wake the next wait once.
public final class JobWakeSignal: @unchecked Sendable {
    private struct State {
        var pending = false
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextID: UInt64 = 0
    }

    /// Guarded by `lock` (a plain lock: the critical sections are a few assignments, and the
    /// type must work where `Synchronization.Mutex` is unavailable, macOS 14).
    private var stateValue = State()
    private let lock = NSLock()

    private func withState<T>(_ body: (inout State) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&stateValue)
    }

    /// Names this signal in the database's notifications of the jobs it was signalled for
    /// (`NewJob.wakeOrigin`): its own process's listener ignores those.
    public let origin = UUID().uuidString

    public init() {}

    public func signal() {
        let woken = withState { state -> [CheckedContinuation<Void, Never>] in
            guard !state.waiters.isEmpty else {
                state.pending = true
                return []
            }
            let all = Array(state.waiters.values)
            state.waiters.removeAll()
            return all
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns at the next signal, after `timeout`, or when the task is cancelled.
    public func wait(timeout: Duration) async {
        let id = withState { state -> UInt64? in
            if state.pending {
                state.pending = false
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        let resumeNow = self.withState { state -> Bool in
                            if state.pending || Task.isCancelled {
                                state.pending = false
                                return true
                            }
                            state.waiters[id] = continuation
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                } onCancel: {
                    self.resume(id)
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.resume(id)
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func resume(_ id: UInt64) {
        let continuation = withState { $0.waiters.removeValue(forKey: id) }
        continuation?.resume()
    }
}
