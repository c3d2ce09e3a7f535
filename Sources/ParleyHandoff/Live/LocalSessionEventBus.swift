import Foundation
import ParleyCore

/// Hands events to the followers in this process: each subscription is an `AsyncStream` that
/// keeps at most `buffer` undelivered events (a follower too slow for that many fills the gap
/// from the store). `shutdown()` ends every subscription, so long-lived streams finish when the
/// server stops.
public actor LocalSessionEventBus: SessionEventBus {
    private struct Subscriber {
        var session: SessionID?
        var continuation: AsyncStream<SessionEvent>.Continuation
    }

    private var subscribers: [TenantID: [UUID: Subscriber]] = [:]
    private var isShutDown = false
    private let buffer: Int

    public init(buffer: Int = 256) {
        self.buffer = buffer
    }

    public func publish(_ event: SessionEvent) {
        for subscriber in subscribers[event.tenantID, default: [:]].values where subscriber.session == nil || subscriber.session == event.sessionID {
            subscriber.continuation.yield(event)
        }
    }

    public func subscribe(tenant: TenantID, session: SessionID?) -> AsyncStream<SessionEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: SessionEvent.self, bufferingPolicy: .bufferingNewest(buffer))
        guard !isShutDown else {
            continuation.finish()
            return stream
        }
        let id = UUID.random()
        subscribers[tenant, default: [:]][id] = Subscriber(session: session, continuation: continuation)
        continuation.onTermination = { [weak self] _ in
            Task { await self?.remove(id, tenant: tenant) }
        }
        return stream
    }

    /// Subscriptions open now (the `/health` figure and tests).
    public var subscriptionCount: Int { subscribers.values.reduce(0) { $0 + $1.count } }

    public func shutdown() {
        isShutDown = true
        let all = subscribers.values.flatMap(\.values)
        subscribers = [:]
        for subscriber in all { subscriber.continuation.finish() }
    }

    private func remove(_ id: UUID, tenant: TenantID) {
        subscribers[tenant]?[id] = nil
        if subscribers[tenant]?.isEmpty == true { subscribers[tenant] = nil }
    }
}
