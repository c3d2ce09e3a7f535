import ParleyCore

/// Each tenant's recent takeover waits (how long escalated visitors waited for a person), read
/// at most once per `lifetime` in a process. An escalation tells the visitor the wait to expect,
/// their median, which need not be exact to the second; reading them for every escalated
/// conversation was one query more on the chat turn that escalates.
public final class TakeoverWaits: Sendable {
    /// How many of the newest takeovers the median is taken over.
    public static let sample = 20
    private let cache: ReadThroughCache<TenantID, [Duration]>

    /// `now` is the clock entries age by (tests move it).
    public init(lifetime: Duration = .seconds(30),
                now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        cache = ReadThroughCache(lifetime: lifetime, generation: { 0 }, now: now)
    }

    public func recent(tenant: TenantID, in store: any LiveConversationStore) async throws -> [Duration] {
        try await cache.value(for: tenant) { try await store.recentWaits(tenant: tenant, limit: Self.sample) } ?? []
    }
}
