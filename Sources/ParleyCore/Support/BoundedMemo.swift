import Synchronization

/// Results of a pure, costly computation kept by key, at most `capacity` of them: when a new
/// key finds it full, it starts over. The text analyses the chat turn repeats (a knowledge
/// base's passages and the sentences quoted from them come back turn after turn) are kept here.
///
/// Starting over rather than evicting one entry keeps a hit a single dictionary read under the
/// mutex; the working set (a tenant's few hundred passages) refills it at once. A mutex rather
/// than an actor: a hit must not suspend. Two callers that miss the same key at once may both
/// compute it; the second result replaces the first, which is equal to it.
public final class BoundedMemo<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    public let capacity: Int
    private let entries = Mutex<[Key: Value]>([:])

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    public var count: Int { entries.withLock { $0.count } }

    /// The kept value for `key` when `isCurrent` accepts it, else `make()`'s, which is then kept.
    public func value(for key: Key, isCurrent: (Value) -> Bool = { _ in true }, make: () throws -> Value) rethrows -> Value {
        if let kept = entries.withLock({ $0[key] }), isCurrent(kept) { return kept }
        let value = try make()
        entries.withLock { entries in
            if entries.count >= capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
            entries[key] = value
        }
        return value
    }
}
