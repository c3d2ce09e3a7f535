@testable import ParleyChat
import ParleyCore
import Synchronization
import Testing

/// A turn's events reach the SSE writer in batches of what arrived since it last looked, in
/// order, and a consumer that goes away cancels the turn.
@Suite("Turn events")
struct TurnEventsTests {
    @Test func whatArrivedMeanwhileComesAsOneBatchInOrder() async {
        let events = TurnEvents()
        for word in ["a ", "b ", "c "] { events.yield(.token(word)) }
        #expect(await events.nextBatch().map(Self.text) == ["a ", "b ", "c "])
        let waiting = Task { await events.nextBatch().map(Self.text) }
        try? await Task.sleep(for: .milliseconds(50))
        events.yield(.token("d "))
        #expect(await waiting.value == ["d "], "a waiting writer gets an event as soon as it comes")
        events.yield(.token("e "))
        events.finish()
        #expect(await events.nextBatch().map(Self.text) == ["e "], "what came before the end is still delivered")
        #expect(await events.nextBatch().isEmpty)
    }

    @Test func aConsumerThatGoesAwayCancelsTheTurn() async {
        let events = TurnEvents()
        let cancelled = Atomic<Int>(0)
        events.onCancel { cancelled.add(1, ordering: .relaxed) }
        let waiting = Task { await events.nextBatch() }
        try? await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        #expect(await waiting.value.isEmpty)
        #expect(cancelled.load(ordering: .relaxed) == 1)
        events.yield(.token("late"))
        #expect(await events.nextBatch().isEmpty, "nothing is kept for a consumer that left")

        let early = TurnEvents()
        early.cancel()
        early.onCancel { cancelled.add(1, ordering: .relaxed) }
        #expect(cancelled.load(ordering: .relaxed) == 2, "a turn started after its consumer left is cancelled at once")
    }

    static func text(_ event: ChatTurnEvent) -> String {
        if case .token(let text) = event { return text }
        return "?"
    }
}
