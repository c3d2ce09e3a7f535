import Foundation
import ParleyCore

/// How far this process's in-memory indexes have followed the knowledge change log.
///
/// Change ids come from a database sequence, and a transaction can commit after one that took a
/// later id, so a reader may see id 12 before id 11 exists; and a rolled-back transaction leaves
/// a gap forever. The cursor therefore keeps the ids it applied above `floor` and moves the
/// floor over a gap only once a change after the gap is older than `gapPatience`, by which time
/// any transaction that held the missing id has long committed or rolled back.
public actor KnowledgeChangeCursor {
    public private(set) var floor: Int64
    private var applied: Set<Int64> = []
    private let gapPatience: TimeInterval

    public init(floor: Int64 = 0, gapPatience: TimeInterval = 30) {
        self.floor = floor
        self.gapPatience = gapPatience
    }

    /// Where the next read starts (set at start, before the indexes are rebuilt).
    public func reset(to floor: Int64) {
        self.floor = floor
        applied.removeAll()
    }

    /// The changes of a read not applied yet.
    public func unapplied(_ changes: [KnowledgeChange]) -> [KnowledgeChange] {
        changes.filter { $0.id > floor && !applied.contains($0.id) }
    }

    /// Records applied changes and moves the floor over what is settled. `seen` is the whole
    /// read (oldest first), whose ages tell whether a gap is settled.
    public func markApplied(_ ids: [Int64], seen: [KnowledgeChange], now: Date = Date()) {
        applied.formUnion(ids.filter { $0 > floor })
        var index = 0
        while true {
            let next = floor + 1
            if applied.remove(next) != nil {
                floor = next
                continue
            }
            // A gap: settled once a later change is old enough.
            while index < seen.count, seen[index].id <= next { index += 1 }
            guard index < seen.count, now.timeIntervalSince(seen[index].createdAt) > gapPatience else { return }
            floor = next
        }
    }
}
