import ParleyCore
import Testing

/// The memo computes a key once, recomputes it when the kept value is no longer current, and
/// never holds more than its capacity.
@Suite("Bounded memo")
struct BoundedMemoTests {
    @Test func aKeyIsComputedOnceWhileItsValueIsCurrent() {
        let memo = BoundedMemo<String, Int>(capacity: 8)
        var computed = 0
        func length(_ text: String) -> Int { computed += 1; return text.count }
        #expect(memo.value(for: "kettle") { length("kettle") } == 6)
        #expect(memo.value(for: "kettle") { length("kettle") } == 6)
        #expect(computed == 1)
        // A value its caller no longer accepts (the chunk was edited) is computed again and replaces it.
        #expect(memo.value(for: "kettle", isCurrent: { $0 == 7 }) { length("kettles") } == 7)
        #expect(memo.value(for: "kettle", isCurrent: { $0 == 7 }) { length("kettles") } == 7)
        #expect(computed == 2 && memo.count == 1)
    }

    @Test func itStartsOverWhenANewKeyFindsItFull() {
        let memo = BoundedMemo<Int, Int>(capacity: 3)
        var computed = 0
        for key in 0 ..< 10 {
            #expect(memo.value(for: key) { computed += 1; return key * key } == key * key)
            #expect(memo.count <= 3)
        }
        #expect(computed == 10)
        #expect(memo.count == 1, "keys 0-2 filled it, 3 started over, 6 and 9 again")
        // Replacing a kept key does not empty it.
        _ = memo.value(for: 8, isCurrent: { _ in false }) { 0 }
        _ = memo.value(for: 9, isCurrent: { _ in false }) { 0 }
        #expect(memo.count == 2)
    }

    @Test func aFailedComputationKeepsNothing() {
        struct Failure: Error {}
        let memo = BoundedMemo<String, Int>(capacity: 2)
        #expect(throws: Failure.self) { try memo.value(for: "x") { throw Failure() } }
        #expect(memo.count == 0)
        #expect(memo.value(for: "x") { 1 } == 1)
    }
}
