import Synchronization

/// What the visitor's stream request decided about a turn prepared before it came.
public enum TurnRedemption: Sendable, Equatable {
    /// The stream id was redeemed: the answer may be stored and streamed to its end.
    /// `alreadyEscalated`: the conversation had an open escalation at redemption.
    case redeemed(alreadyEscalated: Bool)
    /// No stream will take the answer (the id expired unredeemed, was refused, or a person took
    /// the conversation over): nothing is stored but the turn's LLM call records.
    case abandoned
}

/// Where a turn started at the POST waits, its answer complete, for the GET's redemption: a
/// prepared answer is stored only once its stream id is redeemed, exactly as a turn run by
/// the GET. The first decision wins; a waiting task that is cancelled reads `abandoned`.
public final class TurnGate: Sendable {
    private enum State {
        case waiting(CheckedContinuation<TurnRedemption, Never>?)
        case decided(TurnRedemption)
    }

    private let state = Mutex(State.waiting(nil))
    /// Whether the turn has ended (after writing what it writes), and who waits for that.
    private let ending = Mutex((ended: false, waiters: [Int: CheckedContinuation<Void, Never>](), next: 0))

    public init() {}

    /// Decides the turn's fate; later decisions are ignored.
    public func open(_ decision: TurnRedemption) {
        let waiter = state.withLock { state -> CheckedContinuation<TurnRedemption, Never>? in
            guard case .waiting(let waiter) = state else { return nil }
            state = .decided(decision)
            return waiter
        }
        waiter?.resume(returning: decision)
    }

    /// The decision, once there is one.
    public func wait() async -> TurnRedemption {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let decided = state.withLock { state -> TurnRedemption? in
                    if case .decided(let decision) = state { return decision }
                    state = .waiting(continuation)
                    return nil
                }
                if let decided { continuation.resume(returning: decided) }
            }
        } onCancel: {
            open(.abandoned)
        }
    }

    /// The turn has ended: an abandoned one after writing its LLM call records.
    func settle() {
        let waiters = ending.withLock { ending in
            ending.ended = true
            defer { ending.waiters = [:] }
            return Array(ending.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the turn has ended, or when the waiting task is cancelled.
    public func settled() async {
        let ticket = ending.withLock { ending in
            defer { ending.next += 1 }
            return ending.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ended = ending.withLock { ending in
                    if ending.ended || Task.isCancelled { return true }
                    ending.waiters[ticket] = continuation
                    return false
                }
                if ended { continuation.resume() }
            }
        } onCancel: {
            ending.withLock { $0.waiters.removeValue(forKey: ticket) }?.resume()
        }
    }
}
