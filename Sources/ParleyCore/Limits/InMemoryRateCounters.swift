import Foundation

/// Rate counters in this process's memory: the choice when one process serves (SQLite).
/// Bounded: when `capacity` counters exist, expired ones are dropped first and then the
/// oldest windows, so that a flood of new client addresses cannot grow memory without end
/// (it can only forget some counts early).
public actor InMemoryRateCounters: RateCounterStore {
    private struct Slot: Hashable {
        var tenantID: TenantID
        var key: String
        var windowStart: Int64
    }

    private struct Count {
        var value: Int
        var expiresAt: Int64
    }

    private var counts: [Slot: Count] = [:]
    private let capacity: Int
    private var lastPurge: Int64 = 0

    public init(capacity: Int = 200_000) {
        self.capacity = max(16, capacity)
    }

    public var storedCounters: Int { counts.count }

    public func consume(_ counters: [RateCounter], at instant: Date) async throws -> RateRefusal? {
        var refusals: [RateRefusal] = []
        var slots: [(Slot, Int64)] = []
        for counter in counters {
            let start = counter.window.start(of: instant)
            let slot = Slot(tenantID: counter.tenantID, key: counter.key, windowStart: start)
            if (counts[slot]?.value ?? 0) >= counter.limit {
                refusals.append(RateRefusal(scope: counter.scope, window: counter.window, limit: counter.limit,
                                            retryAfterSeconds: counter.window.secondsLeft(at: instant)))
            }
            slots.append((slot, start + counter.window.seconds))
        }
        if let refusal = RateRefusal.latest(refusals) { return refusal }
        let now = Int64(instant.timeIntervalSince1970)
        if counts.count + slots.count > capacity {
            evict(now: now)
        } else if now - lastPurge >= 60 {
            lastPurge = now
            counts = counts.filter { $0.value.expiresAt > now }
        }
        for (slot, expiresAt) in slots {
            counts[slot, default: Count(value: 0, expiresAt: expiresAt)].value += 1
        }
        return nil
    }

    public func purgeExpired(before instant: Date) async throws {
        let now = Int64(instant.timeIntervalSince1970)
        counts = counts.filter { $0.value.expiresAt > now }
    }

    private func evict(now: Int64) {
        counts = counts.filter { $0.value.expiresAt > now }
        guard counts.count >= capacity else { return }
        // Still full of live counters: forget the quarter whose windows end soonest.
        let victims = counts.sorted { $0.value.expiresAt < $1.value.expiresAt }.prefix(capacity / 4)
        for (slot, _) in victims { counts[slot] = nil }
    }
}
