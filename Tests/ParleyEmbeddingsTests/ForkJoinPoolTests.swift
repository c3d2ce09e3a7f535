import Foundation
import ParleyTestSupport
@testable import ParleyEmbeddings
import Synchronization
import Testing

@Suite("Fork-join pool")
struct ForkJoinPoolTests {
    /// Counts of how often each (fork, part) ran.
    final class Tally: Sendable {
        let counts: Mutex<[Int]>
        init(_ size: Int) { counts = Mutex([Int](repeating: 0, count: size)) }
        func hit(_ index: Int) { counts.withLock { $0[index] += 1 } }
        var values: [Int] { counts.withLock { $0 } }
    }

    @Test func everyPartRunsExactlyOncePerFork() async throws {
        let pool = ForkJoinPool(threads: 3)
        let forks = 5_000
        let tally = Tally(forks * 3)
        try await offPool {
            for fork in 0..<forks {
                // 1, 2 and 3 parts in turn; spaced forks let the workers park and wake again.
                let parts = fork % 3 + 1
                pool.perform(parts: parts) { part in tally.hit(fork * 3 + part) }
                if fork % 500 == 0 { usleep(1_000) }
            }
        }
        let values = tally.values
        for fork in 0..<forks {
            let parts = fork % 3 + 1
            #expect(Array(values[fork * 3..<fork * 3 + 3]) == (0..<3).map { $0 < parts ? 1 : 0 }, "fork \(fork)")
        }
    }

    @Test func concurrentCallersAllFinish() async throws {
        let pool = ForkJoinPool(threads: 2)
        let tally = Tally(4 * 1_000 * 2)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<4 {
                group.addTask {
                    try await offPool {
                        for fork in 0..<1_000 {
                            pool.perform(parts: 2) { part in tally.hit((caller * 1_000 + fork) * 2 + part) }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(tally.values.allSatisfy { $0 == 1 })
    }

    @Test func workerThreadsEndWithThePool() async throws {
        let exited = Mutex(0)
        var pool: ForkJoinPool? = ForkJoinPool(threads: 3) { exited.withLock { $0 += 1 } }
        pool?.perform(parts: 3) { _ in }
        #expect(exited.withLock { $0 } == 0)
        pool = nil
        for _ in 0..<300 where exited.withLock({ $0 }) < 2 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(exited.withLock { $0 } == 2)
    }
}
