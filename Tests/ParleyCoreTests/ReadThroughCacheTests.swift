import ParleyCore
import Synchronization
import Testing

/// The chat path's cache of tenant and agent lookups: reused while young and unwritten, read
/// again after a write or once old, misses never kept.
@Suite("Read-through cache")
struct ReadThroughCacheTests {
    /// Counts loads, and stands in for the process's directory writes.
    final class Probe: Sendable {
        let loads = Atomic<Int>(0)
        let writes = Atomic<Int>(0)

        @Sendable func load(_ value: String?) -> String? {
            loads.add(1, ordering: .relaxed)
            return value
        }
    }

    /// A clock that moves only when told.
    final class TestClock: Sendable {
        let start = ContinuousClock.now
        let elapsed = Atomic<Int>(0)

        @Sendable func now() -> ContinuousClock.Instant { start + .milliseconds(elapsed.load(ordering: .relaxed)) }
        func advance(milliseconds: Int) { elapsed.add(milliseconds, ordering: .relaxed) }
    }

    @Test func aValueIsReusedUntilAWriteOrItsLifetimeEnds() async throws {
        let probe = Probe()
        let clock = TestClock()
        let cache = ReadThroughCache<String, String>(lifetime: .milliseconds(300), generation: { probe.writes.load(ordering: .relaxed) },
                                                     now: clock.now)
        #expect(try await cache.value(for: "demo") { probe.load("Demo Ltd") } == "Demo Ltd")
        clock.advance(milliseconds: 299)
        #expect(try await cache.value(for: "demo") { probe.load("changed") } == "Demo Ltd", "reused")
        #expect(try await cache.value(for: "other") { probe.load("Other Inc") } == "Other Inc", "keys are apart")
        #expect(probe.loads.load(ordering: .relaxed) == 2)

        probe.writes.add(1, ordering: .relaxed)
        #expect(try await cache.value(for: "demo") { probe.load("Demo GmbH") } == "Demo GmbH", "a write retires what was read before it")
        #expect(try await cache.value(for: "demo") { probe.load("again") } == "Demo GmbH")

        clock.advance(milliseconds: 300)
        #expect(try await cache.value(for: "demo") { probe.load("Demo SA") } == "Demo SA", "read again once old")
        #expect(probe.loads.load(ordering: .relaxed) == 4)
    }

    @Test func missesAreNotKeptAndZeroLifetimeKeepsNothing() async throws {
        let probe = Probe()
        let cache = ReadThroughCache<String, String>(lifetime: .seconds(60)) { 0 }
        #expect(try await cache.value(for: "new") { probe.load(nil) } == nil)
        #expect(try await cache.value(for: "new") { probe.load("created meanwhile") } == "created meanwhile")
        let off = ReadThroughCache<String, String>(lifetime: .zero) { 0 }
        _ = try await off.value(for: "a") { probe.load("1") }
        #expect(try await off.value(for: "a") { probe.load("2") } == "2")
        #expect(probe.loads.load(ordering: .relaxed) == 4)
    }

    @Test func aFullCacheStartsOver() async throws {
        let probe = Probe()
        let cache = ReadThroughCache<Int, String>(lifetime: .seconds(60), maxEntries: 3) { 0 }
        for key in 0..<4 { _ = try await cache.value(for: key) { probe.load("\(key)") } }
        #expect(try await cache.value(for: 3) { probe.load("x") } == "3", "the newest entry survives the reset")
        #expect(try await cache.value(for: 0) { probe.load("zero again") } == "zero again", "older ones were dropped")
    }

    @Test func concurrentMissesShareOneLoad() async throws {
        let probe = Probe()
        let cache = ReadThroughCache<String, String>(lifetime: .seconds(60)) { probe.writes.load(ordering: .relaxed) }
        let gate = Gate()
        let values = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0 ..< 20 {
                group.addTask {
                    try await cache.value(for: "demo") {
                        await gate.wait()
                        return probe.load("Demo Ltd")
                    }
                }
            }
            // Let the twenty ask before the one load may finish (late ones would find it kept).
            try await Task.sleep(for: .milliseconds(100))
            await gate.open()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(values == Array(repeating: "Demo Ltd", count: 20))
        #expect(probe.loads.load(ordering: .relaxed) == 1)
    }

    @Test func aLoadStartedBeforeAWriteIsNotSharedAfterIt() async throws {
        let probe = Probe()
        let cache = ReadThroughCache<String, String>(lifetime: .seconds(60)) { probe.writes.load(ordering: .relaxed) }
        let gate = Gate()
        let before = Task {
            try await cache.value(for: "demo") {
                await gate.wait()
                return probe.load("Demo Ltd")
            }
        }
        while await gate.arrivals == 0 { await Task.yield() }
        probe.writes.add(1, ordering: .relaxed)
        #expect(try await cache.value(for: "demo") { probe.load("Demo GmbH") } == "Demo GmbH", "read afresh, not the load under way")
        await gate.open()
        #expect(try await before.value == "Demo Ltd")
        #expect(try await cache.value(for: "demo") { probe.load("again") } == "Demo GmbH", "the newer reading is kept")
    }

    @Test func aFailedLoadFailsItsWaitersAndIsNotKept() async throws {
        struct Failure: Error {}
        let probe = Probe()
        let cache = ReadThroughCache<String, String>(lifetime: .seconds(60)) { 0 }
        await #expect(throws: Failure.self) { try await cache.value(for: "demo") { throw Failure() } }
        #expect(try await cache.value(for: "demo") { probe.load("Demo Ltd") } == "Demo Ltd")
    }

    /// Holds loads until opened.
    actor Gate {
        private var isOpen = false
        private var waiters: [CheckedContinuation<Void, Never>] = []
        private(set) var arrivals = 0

        func wait() async {
            arrivals += 1
            if isOpen { return }
            await withCheckedContinuation { waiters.append($0) }
        }

        func open() {
            isOpen = true
            for waiter in waiters { waiter.resume() }
            waiters = []
        }
    }
}
