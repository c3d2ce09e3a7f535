import Foundation
import ParleyCore
import ParleyIngest
import Testing

/// The follower's cursor over the change log: ids that commit out of order are still applied,
/// and a gap left by a rolled-back transaction is passed only once it is settled.
@Suite("Knowledge change cursor")
struct KnowledgeChangeCursorTests {
    let tenant = TenantID()

    func change(_ id: Int64, age: TimeInterval, now: Date) -> KnowledgeChange {
        KnowledgeChange(id: id, tenantID: tenant, sourceID: SourceID(), createdAt: now.addingTimeInterval(-age))
    }

    @Test func lateCommitsAreAppliedAndSettledGapsPassed() async {
        let now = Date()
        let cursor = KnowledgeChangeCursor(floor: 0, gapPatience: 30)
        // 3 is not visible yet (its transaction has not committed), 4 is.
        let first = [change(1, age: 1, now: now), change(2, age: 1, now: now), change(4, age: 1, now: now)]
        #expect(await cursor.unapplied(first).map(\.id) == [1, 2, 4])
        await cursor.markApplied([1, 2, 4], seen: first, now: now)
        #expect(await cursor.floor == 2, "the floor waits at the fresh gap")
        // 3 commits late: it is read (the next read starts after the floor) and applied; 4 is not applied again.
        let second = [change(3, age: 1, now: now), change(4, age: 1, now: now), change(5, age: 0, now: now)]
        #expect(await cursor.unapplied(second).map(\.id) == [3, 5])
        await cursor.markApplied([3, 5], seen: second, now: now)
        #expect(await cursor.floor == 5)
        // 6 never commits (rolled back): the floor stays until a later change is old enough.
        let third = [change(7, age: 5, now: now)]
        await cursor.markApplied([7], seen: third, now: now)
        #expect(await cursor.floor == 5)
        let later = now.addingTimeInterval(40)
        await cursor.markApplied([], seen: third, now: later)
        #expect(await cursor.floor == 7)
        #expect(await cursor.unapplied(third).isEmpty)
    }
}
