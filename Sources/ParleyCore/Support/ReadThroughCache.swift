import Synchronization

/// What a chat request reads on every call and an administrator changes rarely (the tenant
/// behind a widget key, the agent that answers on `/a/{code}`), kept for a short lifetime.
///
/// An entry is used while it is younger than `lifetime` and no directory write happened since
/// it was read (``DirectoryChanges``): a change made in this process is seen by the next request;
/// one made by another process (the CLI, a second server) within `lifetime`. Misses are not
/// kept, so a tenant created a moment ago is found at once and made-up keys fill nothing.
///
/// Concurrent misses of one key share one load: when an entry expires under load, the requests
/// that ask before it is read again wait for that one read instead of each making their own
/// (under a chat load, a thundering herd of lookups once a second).
///
/// A mutex rather than an actor: a hit is a dictionary read on every chat request, and must not
/// suspend.
public final class ReadThroughCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var generation: Int
        var expires: ContinuousClock.Instant
    }

    /// A load under way, and the directory generation it started at.
    private struct Load {
        var generation: Int
        var task: Task<Value?, any Error>
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var loads: [Key: Load] = [:]
    }

    private enum Lookup {
        case kept(Value)
        case loading(Task<Value?, any Error>)
    }

    private let state = Mutex(State())
    private let lifetime: Duration
    private let maxEntries: Int
    private let generation: @Sendable () -> Int
    private let now: @Sendable () -> ContinuousClock.Instant

    /// `lifetime` zero turns the cache off; `generation` says which writes an entry has seen;
    /// `now` is the clock entries age by (tests move it).
    public init(lifetime: Duration, maxEntries: Int = 10_000, generation: @escaping @Sendable () -> Int = { DirectoryChanges.generation },
                now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.lifetime = lifetime
        self.maxEntries = maxEntries
        self.generation = generation
        self.now = now
    }

    /// The kept value for `key`, or what `load` reads (kept when it is not nil). `load` runs in a
    /// task of its own, which callers that miss meanwhile share; a load that started before the
    /// latest directory write is not shared with callers that come after it.
    public func value(for key: Key, load: @escaping @Sendable () async throws -> Value?) async throws -> Value? {
        guard lifetime > .zero else { return try await load() }
        let now = self.now()
        let generation = self.generation()
        let lookup = state.withLock { state -> Lookup in
            if let entry = state.entries[key], entry.generation == generation, entry.expires > now { return .kept(entry.value) }
            if let running = state.loads[key], running.generation == generation { return .loading(running.task) }
            let task = Task { try await load() }
            state.loads[key] = Load(generation: generation, task: task)
            return .loading(task)
        }
        let task: Task<Value?, any Error>
        switch lookup {
        case .kept(let value): return value
        case .loading(let load): task = load
        }
        let result = await task.result
        state.withLock { state in
            if state.loads[key]?.task == task { state.loads[key] = nil }
            // A reading from before a write must not replace one from after it.
            guard case .success(let value?) = result, (state.entries[key]?.generation ?? generation) <= generation else { return }
            if state.entries.count >= maxEntries, state.entries[key] == nil { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = Entry(value: value, generation: generation, expires: self.now() + lifetime)
        }
        return try result.get()
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
