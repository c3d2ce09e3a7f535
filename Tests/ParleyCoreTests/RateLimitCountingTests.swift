import Foundation
import ParleyCore
import Testing

@Suite("Rate limit counting")
struct RateLimitCountingTests {
    let tenant = TenantID(UUID())

    func counter(_ scope: RateScope, _ subject: String, _ window: RateWindow, limit: Int) -> RateCounter {
        RateCounter(tenantID: tenant, scope: scope, subject: subject, window: window, limit: limit)
    }

    @Test func aRequestCountsOnAllItsCountersOrOnNone() async throws {
        let store = InMemoryRateCounters()
        let now = Date(timeIntervalSince1970: 1_800_000_010)   // 10 s into a minute
        let visitor = counter(.visitor, "v", .minute, limit: 2)
        let address = counter(.ip, "a", .minute, limit: 3)
        #expect(try await store.consume([visitor, address], at: now) == nil)
        #expect(try await store.consume([visitor, address], at: now) == nil)
        let refused = try #require(try await store.consume([visitor, address], at: now))
        #expect(refused.scope == .visitor && refused.limit == 2 && refused.retryAfterSeconds == 50)
        // The refused request did not count on the address: one more request of another visitor passes, then none.
        let other = counter(.visitor, "w", .minute, limit: 2)
        #expect(try await store.consume([other, address], at: now) == nil)
        #expect(try await store.consume([other, address], at: now)?.scope == .ip)
    }

    @Test func onlySubjectsWithALimitAreCounted() async throws {
        let store = InMemoryRateCounters()
        let limiter = TurnRateLimiter(store: store, secret: "s")
        let addressOnly = TurnRateLimits(rates: [.ip: [.minute: 1]])
        try await limiter.admit(tenant: tenant, limits: addressOnly, clientAddress: "192.0.2.7", sessionKey: "visitor-key")
        #expect(await store.storedCounters == 1, "the address's minute, nothing for the visitor or the tenant")
        await #expect(throws: ParleyError.self) {
            try await limiter.admit(tenant: tenant, limits: addressOnly, clientAddress: "192.0.2.7", sessionKey: "another-key")
        }
        try await limiter.countNewSession(tenant: tenant, limits: addressOnly, sessionKey: "visitor-key")
        #expect(await store.storedCounters == 1)
        try await limiter.admit(tenant: tenant, limits: TurnRateLimits(rates: [:]), clientAddress: "192.0.2.7", sessionKey: "k")
        #expect(await store.storedCounters == 1, "no limits, nothing counted")
    }

    @Test func windowsStartOnWholeMinutesAndDaysAndCountAgainAfterwards() async throws {
        let store = InMemoryRateCounters()
        let minute = counter(.tenant, "all", .minute, limit: 1)
        let day = counter(.tenant, "all", .day, limit: 2)
        let midnight = 1_800_000_000 - 1_800_000_000 % 86_400
        let start = Date(timeIntervalSince1970: TimeInterval(midnight + 30))   // 00:00:30 UTC
        #expect(try await store.consume([minute, day], at: start) == nil)
        #expect(try await store.consume([minute, day], at: start.addingTimeInterval(29))?.window == .minute)
        #expect(try await store.consume([minute, day], at: start.addingTimeInterval(31)) == nil)   // next minute
        let refused = try #require(try await store.consume([minute, day], at: start.addingTimeInterval(95)))
        #expect(refused.window == .day && refused.retryAfterSeconds == 86_400 - 125, "waits until the UTC day ends")
        #expect(RateWindow.minute.start(of: Date(timeIntervalSince1970: 119.9)) == 60)
    }

    @Test func memoryStaysBoundedUnderAFloodOfNewAddresses() async throws {
        let store = InMemoryRateCounters(capacity: 1000)
        let now = Date()
        for index in 0 ..< 10_000 {
            _ = try await store.consume([counter(.ip, "a\(index)", .minute, limit: 5)], at: now)
        }
        #expect(await store.storedCounters <= 1000)
        try await store.purgeExpired(before: now.addingTimeInterval(120))
        #expect(await store.storedCounters == 0)
    }

    @Test func ratesLayerConfigurationTenantSettingsAndAgent() throws {
        var config = ParleyConfig.LimitsSection()
        config.visitorPerMinute = 20
        config.ipPerDay = 0
        var editor = TenantSettingsEditor(settings: .object([:]))
        try editor.apply("limits.visitor_per_day=7")
        try editor.apply("limits.tenant_per_minute=0")
        #expect(throws: TenantSettingsEditor.InvalidSetting.self) { try editor.apply("limits.ip_per_minute=-1") }
        #expect(throws: TenantSettingsEditor.InvalidSetting.self) { try editor.apply("limits.ip_per_minute=lots") }
        let limits = TurnRateLimits(config: config, tenantSettings: editor.settings, agentVisitorPerMinute: 3)
        #expect(limits.rate(.visitor, per: .minute) == 3)
        #expect(limits.rate(.visitor, per: .day) == 7)
        #expect(limits.rate(.tenant, per: .minute) == 0)
        let counters = limits.counters(tenant: tenant, subjects: [.ip: "x"])
        #expect(Set(counters.map(\.key)) == ["ip:x:minute", "tenant:all:day"], "no visitor without a session, no zero rates")
    }

    @Test func addressesCountPerIPv4AndPerIPv6Block() {
        #expect(ClientAddressKey.blockKey("203.0.113.9") == "203.0.113.9")
        #expect(ClientAddressKey.blockKey("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64")
        #expect(ClientAddressKey.blockKey("2001:db8:1:2::99") == ClientAddressKey.blockKey("2001:db8:1:2:ffff::1"))
        #expect(ClientAddressKey.blockKey("2001:db8::1") == "2001:db8:0:0::/64")
        #expect(ClientAddressKey.blockKey("::1") == "0:0:0:0::/64")
    }

    @Test func subjectsAreStoredAsKeyedHashesNeverInClear() async throws {
        actor Recorder: RateCounterStore {
            var seen: [RateCounter] = []
            func consume(_ counters: [RateCounter], at instant: Date) async throws -> RateRefusal? { seen += counters; return nil }
            func purgeExpired(before instant: Date) async throws {}
        }
        let recorder = Recorder()
        let limiter = TurnRateLimiter(store: recorder, secret: "a-server-secret-of-some-length")
        try await limiter.admit(tenant: tenant, limits: TurnRateLimits(config: .init()), clientAddress: "198.51.100.23", sessionKey: "sess-secret-key")
        let keys = await recorder.seen.map(\.key).joined(separator: " ")
        #expect(!keys.contains("198.51.100.23") && !keys.contains("sess-secret-key"))
        #expect(await recorder.seen.count == 6)
        let other = TurnRateLimiter(store: recorder, secret: "another-server-secret-xyz")
        try await other.admit(tenant: tenant, limits: TurnRateLimits(config: .init()), clientAddress: "198.51.100.23", sessionKey: nil)
        let subjects = await recorder.seen.filter { $0.scope == .ip }.map(\.subject)
        #expect(Set(subjects).count == 2, "the hash depends on the server's secret")
    }
}
