import ParleyCore
import Synchronization

/// A turn started when the visitor's message was posted, its events kept until the stream
/// request for it comes.
public struct PreparedTurn: Sendable {
    public let events: TurnEvents
    public let gate: TurnGate
    /// The visitor's message the turn answers.
    public let question: StoredMessage
    /// Held for as long as the turn is (the stream slot that bounds an anonymous caller's model
    /// work): the stream request that takes the turn keeps it until its stream ends.
    public let holding: (any Sendable)?

    public init(events: TurnEvents, gate: TurnGate, question: StoredMessage, holding: (any Sendable)?) {
        self.events = events
        self.gate = gate
        self.question = question
        self.holding = holding
    }

    /// No stream will take this turn: its model call stops, its answer is never stored.
    public func abandon() {
        gate.open(.abandoned)
        events.cancel()
    }
}

/// The turns this process started at a visitor's POST, each kept until the GET that redeems
/// its stream id takes it, or until the stream id's lifetime has passed (then it is abandoned).
///
/// Bounded: at most `capacity` turns wait at once; a POST that finds no room leaves its turn to
/// the GET, as when a stream request reaches another process that holds no prepared turn. Taken
/// and kept on the request path, so the map sits behind a lock held for a lookup only, never
/// across a suspension.
public final class PreparedTurns: Sendable {
    private struct Key: Hashable {
        var tenant: TenantID
        var message: MessageID
    }

    private struct Entry {
        var turn: PreparedTurn
        var deadline: ContinuousClock.Instant
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var sweeping = false
    }

    public let capacity: Int
    private let lifetime: Duration
    private let sweepEvery: Duration
    private let state = Mutex(State())

    /// `lifetime`: how long a turn waits for its stream (the stream id's lifetime).
    public init(capacity: Int, lifetime: Duration, sweepEvery: Duration = .seconds(1)) {
        self.capacity = max(0, capacity)
        self.lifetime = lifetime
        self.sweepEvery = sweepEvery
    }

    /// How many turns wait now.
    public var count: Int { state.withLock { $0.entries.count } }

    /// Whether a turn could be kept now (a caller checks before starting one).
    public var hasRoom: Bool { state.withLock { $0.entries.count < capacity } }

    /// Keeps `turn` for the stream request of `question`; false (the turn is not kept) when full.
    public func keep(_ turn: PreparedTurn, tenant: TenantID) -> Bool {
        let deadline = ContinuousClock.now.advanced(by: lifetime)
        let (kept, startSweeper) = state.withLock { state -> (Bool, Bool) in
            guard state.entries.count < capacity else { return (false, false) }
            state.entries[Key(tenant: tenant, message: turn.question.id)] = Entry(turn: turn, deadline: deadline)
            defer { state.sweeping = true }
            return (true, !state.sweeping)
        }
        if startSweeper { sweep() }
        return kept
    }

    /// The turn prepared for the tenant's message, once: a second call finds nothing.
    public func take(tenant: TenantID, message: MessageID) -> PreparedTurn? {
        state.withLock { $0.entries.removeValue(forKey: Key(tenant: tenant, message: message))?.turn }
    }

    /// Abandons every waiting turn (the process stops: no stream request will take them) and
    /// waits, at most `limit`, until they have written their LLM call records.
    public func abandonAll(waitingAtMost limit: Duration = .seconds(5)) async {
        let turns = state.withLock { state in
            defer { state.entries.removeAll() }
            return state.entries.values.map(\.turn)
        }
        guard !turns.isEmpty else { return }
        for turn in turns { turn.abandon() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for turn in turns { await turn.gate.settled() } }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Abandons turns past their deadline every `sweepEvery`, for as long as any wait.
    private func sweep() {
        Task { [weak self, sweepEvery] in
            while true {
                try? await Task.sleep(for: sweepEvery)
                guard let self else { return }
                let now = ContinuousClock.now
                let (expired, done) = self.state.withLock { state -> ([PreparedTurn], Bool) in
                    let expired = state.entries.filter { $0.value.deadline <= now }
                    for key in expired.keys { state.entries.removeValue(forKey: key) }
                    if state.entries.isEmpty { state.sweeping = false }
                    return (expired.values.map(\.turn), state.entries.isEmpty)
                }
                for turn in expired { turn.abandon() }
                if done { return }
            }
        }
    }
}
