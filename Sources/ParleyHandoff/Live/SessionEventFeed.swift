import Foundation
import ParleyCore

/// One conversation's events for one follower, resumable: first the stored events after the
/// number the follower last saw, then live ones as they are published. A stored event that
/// arrives out of turn (a notice lost or overtaken) makes the feed read the gap from the store,
/// and so does a periodic re-check; so the follower gets every stored event exactly once, in
/// order, whatever the bus does. Transient events (typing) are passed on as they come.
public struct SessionEventFeed: Sendable {
    /// Who follows: the visitor sees only what `SessionEventKind.reachesVisitor`, and not their own typing.
    public enum Audience: Sendable { case visitor, operators }

    private let store: any LiveConversationStore
    private let bus: any SessionEventBus
    private let recheck: Duration

    public init(store: any LiveConversationStore, bus: any SessionEventBus, recheck: Duration = .seconds(10)) {
        self.store = store
        self.bus = bus
        self.recheck = recheck
    }

    private enum Signal: Sendable {
        case live(SessionEvent)
        case recheck
    }

    /// The feed ends when the follower stops iterating, or when the bus shuts down.
    public func follow(tenant: TenantID, session: SessionID, after sequence: Int64, audience: Audience) -> AsyncStream<SessionEvent> {
        let (feed, output) = AsyncStream.makeStream(of: SessionEvent.self, bufferingPolicy: .bufferingNewest(1024))
        let (signals, input) = AsyncStream.makeStream(of: Signal.self)
        let (store, bus, recheck) = (store, bus, recheck)
        let work = Task {
            // Subscribed before reading the store: nothing committed in between can slip past.
            let live = await bus.subscribe(tenant: tenant, session: session)
            let forwarding = Task {
                for await event in live { input.yield(.live(event)) }
                input.finish()
            }
            let ticking = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: recheck)
                    input.yield(.recheck)
                }
            }
            defer {
                forwarding.cancel()
                ticking.cancel()
                output.finish()
            }
            var last = max(0, sequence)
            func catchUp() async -> Bool {
                while !Task.isCancelled {
                    guard let stored = try? await store.events(tenant: tenant, session: session, after: last, limit: 200) else { return true }
                    for event in stored {
                        last = event.sequence
                        if Self.shows(event, to: audience), case .terminated = output.yield(event) { return false }
                    }
                    if stored.count < 200 { return true }
                }
                return false
            }
            guard await catchUp() else { return }
            for await signal in signals {
                switch signal {
                case .recheck:
                    guard await catchUp() else { return }
                case .live(let event) where event.kind.isTransient:
                    if Self.shows(event, to: audience), case .terminated = output.yield(event) { return }
                case .live(let event) where event.sequence == last + 1:
                    last = event.sequence
                    if Self.shows(event, to: audience), case .terminated = output.yield(event) { return }
                case .live(let event) where event.sequence > last:
                    guard await catchUp() else { return }
                case .live:
                    continue  // already delivered
                }
            }
        }
        output.onTermination = { _ in work.cancel() }
        return feed
    }

    static func shows(_ event: SessionEvent, to audience: Audience) -> Bool {
        switch audience {
        case .operators: true
        case .visitor: event.kind.reachesVisitor && !(event.kind == .typing && event.data["who"]?.stringValue == "visitor")
        }
    }
}
