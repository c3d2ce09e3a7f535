import Synchronization

/// The events of one chat turn, for its one consumer.
///
/// Unlike `AsyncStream`, the consumer can take everything produced since it last looked in one
/// call (``nextBatch()``). The SSE writer sends each batch in one write: an answer whose tokens
/// come faster than they can be written (the offline answerer, a fast local model) goes out in
/// a few writes instead of one write, flush and packet per token, while tokens that trickle in
/// from a remote model still go out one by one, as they come.
///
/// When the consumer goes away (its task is cancelled, or it calls ``cancel()``), the turn's
/// task is cancelled, as an `AsyncStream`'s termination did.
public final class TurnEvents: AsyncSequence, Sendable {
    public typealias Element = ChatTurnEvent

    private struct State {
        var pending: [ChatTurnEvent] = []
        var finished = false
        var cancelled = false
        var waiter: CheckedContinuation<[ChatTurnEvent], Never>?
        var onCancel: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    init() {}

    /// Called when the consumer goes away; at once if it already has.
    func onCancel(_ action: @escaping @Sendable () -> Void) {
        let cancelled = state.withLock { state in
            state.onCancel = action
            return state.cancelled
        }
        if cancelled { action() }
    }

    func yield(_ event: ChatTurnEvent) {
        let waiter = state.withLock { state -> CheckedContinuation<[ChatTurnEvent], Never>? in
            guard !state.finished, !state.cancelled else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending.append(event)
            return nil
        }
        waiter?.resume(returning: [event])
    }

    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<[ChatTurnEvent], Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: [])
    }

    /// Every event produced since the last call, oldest first, waiting for at least one; empty
    /// once the turn is over or the consumer cancelled.
    public func nextBatch() async -> [ChatTurnEvent] {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> [ChatTurnEvent]? in
                    if !state.pending.isEmpty {
                        defer { state.pending.removeAll() }
                        return state.pending
                    }
                    if state.finished || state.cancelled { return [] }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            cancel()
        }
    }

    /// The consumer is gone: the turn is cancelled and what it still produces is dropped.
    public func cancel() {
        let (waiter, action) = state.withLock { state -> (CheckedContinuation<[ChatTurnEvent], Never>?, (@Sendable () -> Void)?) in
            guard !state.cancelled else { return (nil, nil) }
            state.cancelled = true
            state.pending.removeAll()
            defer { state.waiter = nil }
            return (state.waiter, state.onCancel)
        }
        waiter?.resume(returning: [])
        action?()
    }

    public func makeAsyncIterator() -> Iterator { Iterator(events: self) }

    /// One event at a time, for consumers that do not write in batches. A consumer that stops
    /// iterating early (`break`) cancels the turn when its iterator goes away.
    public struct Iterator: AsyncIteratorProtocol {
        let events: TurnEvents
        private let lifetime: ConsumerLifetime
        var batch: [ChatTurnEvent] = []
        var index = 0

        init(events: TurnEvents) {
            self.events = events
            lifetime = ConsumerLifetime(events: events)
        }

        public mutating func next() async -> ChatTurnEvent? {
            if index == batch.count {
                batch = await events.nextBatch()
                index = 0
                if batch.isEmpty { return nil }
            }
            defer { index += 1 }
            return batch[index]
        }
    }
}

/// Cancels the events when the last copy of an iterator is released.
private final class ConsumerLifetime: Sendable {
    let events: TurnEvents

    init(events: TurnEvents) { self.events = events }

    deinit { events.cancel() }
}
