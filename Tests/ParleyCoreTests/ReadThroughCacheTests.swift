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

        func load(_ value: String?) -> String? {
            loads.add(1, ordering: .relaxed)
            return value
        }
    }

    @Test func aValueIsReusedUntilAWriteOrItsLifetimeEnds() async throws {
        let probe = Probe()
        let cache = ReadThroughCache<String, String>(lifetime: .milliseconds(300)) { probe.writes.load(ordering: .relaxed) }
        #expect(await cache.value(for: "demo") { probe.load("Demo Ltd") } == "Demo Ltd")
        #expect(await cache.value(for: "demo") { probe.load("changed") } == "Demo Ltd", "reused")
        #expect(await cache.value(for: "other") { probe.load("Other Inc") } == "Other Inc", "keys are apart")
        #expect(probe.loads.load(ordering: .relaxed) == 2)

        probe.writes.add(1, ordering: .relaxed)
        #expect(await cache.value(for: "demo") { probe.load("Demo GmbH") } == "Demo GmbH", "a write retires what was read before it")
        #expect(await cache.value(for: "demo") { probe.load("again") } == "Demo GmbH")

        try await Task.sleep(for: .milliseconds(350))
        #expect(await cache.value(for: "demo") { probe.load("Demo SA") } == "Demo SA", "read again once old")
        #expect(probe.loads.load(ordering: .relaxed) == 4)
    }

    @Test func missesAreNotKeptAndZeroLifetimeKeepsNothing() async {
        let probe = Probe()
        let cache = ReadThroughCache<String, String>(lifetime: .seconds(60)) { 0 }
        #expect(await cache.value(for: "new") { probe.load(nil) } == nil)
        #expect(await cache.value(for: "new") { probe.load("created meanwhile") } == "created meanwhile")
        let off = ReadThroughCache<String, String>(lifetime: .zero) { 0 }
        _ = await off.value(for: "a") { probe.load("1") }
        #expect(await off.value(for: "a") { probe.load("2") } == "2")
        #expect(probe.loads.load(ordering: .relaxed) == 4)
    }

    @Test func aFullCacheStartsOver() async {
        let probe = Probe()
        let cache = ReadThroughCache<Int, String>(lifetime: .seconds(60), maxEntries: 3) { 0 }
        for key in 0..<4 { _ = await cache.value(for: key) { probe.load("\(key)") } }
        #expect(await cache.value(for: 3) { probe.load("x") } == "3", "the newest entry survives the reset")
        #expect(await cache.value(for: 0) { probe.load("zero again") } == "zero again", "older ones were dropped")
    }
}
