import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyLLM
import ParleyServer
import ParleyStore
import ParleyTestSupport
import Testing

/// Chat turns are counted per visitor session, client address and tenant, and refused with
/// 429, Retry-After and the JSON error body before anything is written; answers streaming at
/// once are capped per tenant and client address.
@Suite("Rate limits")
struct RateLimitTests {
    /// Limits all off but the ones a test sets.
    static func only(_ set: @escaping @Sendable (inout ParleyConfig.LimitsSection) -> Void) -> @Sendable (inout ParleyConfig) -> Void {
        { config in
            var limits = ParleyConfig.LimitsSection()
            limits.visitorPerMinute = 0; limits.visitorPerDay = 0; limits.ipPerMinute = 0; limits.ipPerDay = 0
            limits.tenantPerMinute = 0; limits.tenantPerDay = 0; limits.streamsPerTenant = 0; limits.streamsPerIP = 0
            set(&limits)
            config.limits = limits
            // The job worker's housekeeping purges counters whose window ended by the real clock,
            // which the still clock's windows (midday) have for most of the day: it would empty
            // a counter in the middle of a test's burst. These tests need no jobs.
            config.jobs.inProcessWorker = false
        }
    }

    /// The limiter's time, held still in the middle of a minute (and of a day), so that no
    /// window ends while a test counts, however slowly the machine runs it.
    static let stillClock: @Sendable () -> Date = {
        let now = Int(Date().timeIntervalSince1970)
        let midday = now - now % 86_400 + 43_200 + 30
        return { Date(timeIntervalSince1970: TimeInterval(midday)) }
    }()

    /// For separate processes, whose clocks cannot be held: start early enough in a minute that
    /// the few requests that follow land in one window.
    static func awayFromMinuteBoundary() async throws {
        let second = Int(Date().timeIntervalSince1970) % 60
        if second >= 50 { try await Task.sleep(for: .seconds(61 - second)) }
    }

    static func expectRefused(_ reply: ParleyTestServer.Reply, code: String = "rate_limited", maxWait: Int = 60,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == 429, "\(reply.status) \(String(decoding: reply.body, as: UTF8.self))", sourceLocation: sourceLocation)
        #expect(reply.errorCode == code, sourceLocation: sourceLocation)
        let wait = Int(reply.headers.first(name: "Retry-After") ?? "") ?? -1
        #expect((1 ... maxWait).contains(wait), "Retry-After \(wait)", sourceLocation: sourceLocation)
        #expect(reply.json["error"]?["message"]?.stringValue?.contains("try again") == true, sourceLocation: sourceLocation)
    }

    @Test(arguments: TestBackend.available)
    func aVisitorsFourthTurnInAMinuteIsRefusedAndWritesNothing(_ backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend, clock: Self.stillClock, adjust: Self.only { $0.visitorPerMinute = 3 }) { server in
            var key: String?
            for index in 0 ..< 3 {
                key = try await server.chatTurn("question \(index)", sessionKey: key).sessionKey
            }
            let messages = try await server.rowCount("messages")
            let refused = try await server.postChat(["message": "one more", "session_key": try #require(key)])
            Self.expectRefused(refused)
            #expect(try await server.rowCount("messages") == messages, "the refused turn stored nothing")
            // Another visitor is not affected.
            #expect(try await server.postChat(["message": "a new visitor"]).status == 201)
        }
    }

    @Test(arguments: TestBackend.available)
    func anAddressIsLimitedAcrossSessionsAndTenantsCanRaiseOrLowerTheirRates(_ backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend, clock: Self.stillClock, adjust: { config in
            Self.only { $0.ipPerMinute = 2 }(&config)
            config.app.mode = .multiTenant
        }) { server in
            let provisioner = server.services.provisioner(server.stores)
            let alpha = try await provisioner.createTenant(name: "Alpha", slug: "alpha").tenant
            let beta = try await provisioner.createTenant(name: "Beta", slug: "beta").tenant
            _ = try await provisioner.editSettings(slug: "beta", assignments: ["limits.ip_per_minute=4", "limits.tenant_per_day=5"], removals: [])
            let asAlpha = [("X-Parley-Tenant", alpha.widgetKey)]
            let asBeta = [("X-Parley-Tenant", beta.widgetKey)]

            for _ in 0 ..< 2 { #expect(try await server.postChat(["message": "hi"], headers: asAlpha).status == 201) }
            Self.expectRefused(try await server.postChat(["message": "new session, same address"], headers: asAlpha))
            // Beta's own rate is 4 per address and 5 a day for the whole site: Alpha's use counts nothing for Beta.
            for _ in 0 ..< 4 { #expect(try await server.postChat(["message": "hi"], headers: asBeta).status == 201) }
            Self.expectRefused(try await server.postChat(["message": "fifth"], headers: asBeta))
            #expect(try await server.rowCount("messages") == 6)
        }
    }

    @Test func aTenantsDailyRateWaitsUntilTheDayEnds() async throws {
        try await ParleyTestServer.with(.sqlite, clock: Self.stillClock, adjust: Self.only { $0.tenantPerDay = 1 }) { server in
            #expect(try await server.postChat(["message": "hi"]).status == 201)
            let refused = try await server.postChat(["message": "again"])
            Self.expectRefused(refused, maxWait: 86_400)
            #expect(refused.json["error"]?["message"]?.stringValue?.contains("this site") == true)
        }
    }

    @Test func theAgentsOwnRateOverridesTheVisitorRate() async throws {
        try await ParleyTestServer.with(.sqlite, clock: Self.stillClock, adjust: { config in
            Self.only { $0.visitorPerMinute = 50 }(&config)
            config.agents["sales", default: .init()].rateLimitPerMinute = 1
        }) { server in
            let first = try await server.postChat(["message": "hi"])
            let key = try #require(first.json["session_key"]?.stringValue)
            Self.expectRefused(try await server.postChat(["message": "again", "session_key": key]))
        }
    }

    @Test(arguments: TestBackend.available)
    func aBurstOfConcurrentTurnsPassesExactlyTheLimit(_ backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend, clock: Self.stillClock, adjust: Self.only { $0.ipPerMinute = 5 }) { server in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0 ..< 20 { group.addTask { try await server.postChat(["message": "burst \(index)"]).status } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 5, "\(statuses)")
            #expect(statuses.filter { $0 == 429 }.count == 15)
            #expect(try await server.rowCount("messages") == 5)
            // With PostgreSQL the counters are in the database (every process shares them); with SQLite in memory.
            #expect(try await server.rowCount("rate_counters") == (backend == .postgres ? 1 : 0))
        }
    }

    @Test func forwardedAddressesCountOnlyBehindTrustedProxies() async throws {
        // Without trusted proxies a client's X-Forwarded-For is ignored: rotating it gains nothing.
        try await ParleyTestServer.with(.sqlite, clock: Self.stillClock, adjust: Self.only { $0.ipPerMinute = 2 }) { server in
            for index in 0 ..< 2 { _ = try await server.postChat(["message": "hi"], headers: [("X-Forwarded-For", "203.0.113.\(index)")]) }
            Self.expectRefused(try await server.postChat(["message": "hi"], headers: [("X-Forwarded-For", "203.0.113.99")]))
        }
        // Behind one proxy, the entry it appended is the client: each counts on its own.
        try await ParleyTestServer.with(.sqlite, clock: Self.stillClock, adjust: Self.only { $0.ipPerMinute = 2; $0.trustedProxyHops = 1 }) { server in
            for _ in 0 ..< 2 { #expect(try await server.postChat(["message": "hi"], headers: [("X-Forwarded-For", "spoofed, 198.51.100.7")]).status == 201) }
            Self.expectRefused(try await server.postChat(["message": "hi"], headers: [("X-Forwarded-For", "other-spoof, 198.51.100.7")]))
            #expect(try await server.postChat(["message": "hi"], headers: [("X-Forwarded-For", "198.51.100.8")]).status == 201)
        }
    }

    @Test func answersStreamingAtOnceAreCappedPerAddress() async throws {
        try await ParleyTestServer.with(.sqlite, adjust: { config in
            Self.only { $0.streamsPerIP = 1 }(&config)
            config.llm.offlineWordDelayMs = 40   // an answer of ~75 words streams for about three seconds
        }) { server in
            let first = try #require(try await server.postChat(["message": "What plans do you offer?"]).json["stream_id"]?.stringValue)
            let second = try #require(try await server.postChat(["message": "Do you have a free trial?"]).json["stream_id"]?.stringValue)
            async let longStream = server.streamEvents(first)
            let started = try await eventually { await server.services.streamSlots.held == 1 }
            #expect(started)
            let refused = try await server.send(.GET, "/a/sales/events/stream?stream_id=\(second)")
            Self.expectRefused(refused, code: "too_many_streams", maxWait: 5)
            #expect(try await longStream.events.last?.event == "done")
            let released = try await eventually { await server.services.streamSlots.held == 0 }
            #expect(released, "the slot came back when the stream ended")
            // The refused stream id was not used up: the visitor's retry streams.
            #expect(try await server.streamEvents(second).events.last?.event == "done")
        }
    }
}
