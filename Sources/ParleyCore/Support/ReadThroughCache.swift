import Synchronization

/// What a chat request reads on every call and an administrator changes rarely (the tenant
/// behind a widget key, the agent that answers on `/a/{code}`), kept for a short lifetime.
///
/// An entry is used while it is younger than `lifetime` and no directory write happened since
/// it was read (``DirectoryChanges``): a change made in this process is seen by the next request;
/// one made by another process (the CLI, a second server) within `lifetime`. Misses are not
/// kept, so a tenant created a moment ago is found at once and made-up keys fill nothing.
///
/// A mutex rather than an actor: a hit is a dictionary read on every chat request, and must not
/// suspend.
public final class ReadThroughCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var generation: Int
        var expires: ContinuousClock.Instant
    }

    private let entries = Mutex<[Key: Entry]>([:])
    private let lifetime: Duration
    private let maxEntries: Int
    private let generation: @Sendable () -> Int

    /// `lifetime` zero turns the cache off; `generation` says which writes an entry has seen.
    public init(lifetime: Duration, maxEntries: Int = 10_000, generation: @escaping @Sendable () -> Int = { DirectoryChanges.generation }) {
        self.lifetime = lifetime
        self.maxEntries = maxEntries
        self.generation = generation
    }

    /// The kept value for `key`, or what `load` reads (kept when it is not nil).
    public func value(for key: Key, load: () async throws -> Value?) async rethrows -> Value? {
        guard lifetime > .zero else { return try await load() }
        let now = ContinuousClock.now
        let generation = self.generation()
        if let entry = entries.withLock({ $0[key] }), entry.generation == generation, entry.expires > now {
            return entry.value
        }
        guard let value = try await load() else { return nil }
        entries.withLock { entries in
            if entries.count >= maxEntries { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(value: value, generation: generation, expires: now + lifetime)
        }
        return value
    }
}

/// Counts writes to tenants, agents and personas in this process; a ``ReadThroughCache`` entry
/// read before the latest write is not used. Process-wide on purpose: a write through any
/// database handle, by any code path, retires every cached reading of the directory.
public enum DirectoryChanges {
    private static let counter = Atomic<Int>(0)

    public static var generation: Int { counter.load(ordering: .acquiring) }

    /// Call after a write to tenants, agents or personas has committed.
    public static func recordWrite() {
        counter.add(1, ordering: .releasing)
    }
}
