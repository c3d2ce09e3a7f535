import Dispatch
import Foundation
import Synchronization

/// Runs the parts of a fork-join on worker threads that stay awake for a moment between forks.
///
/// A single query forks about thirty times (every dense layer and a few element-wise passes),
/// each fork a hundred-odd microseconds of work. A dispatch worker that has gone to sleep takes
/// about 30 µs to start again, which is a fifth of each fork lost on one of two cores. These
/// workers spin for `spinLimit` after each part before they park, so consecutive forks hand over
/// in well under a microsecond; an idle encoder parks them and costs nothing.
///
/// One caller at a time uses the workers; a caller that finds them busy runs on Dispatch instead.
final class ForkJoinPool: Sendable {
    /// Threads including the caller's.
    let threads: Int
    private let shared: Shared

    /// How long a worker keeps polling for the next fork before it parks.
    static let spinLimit: Duration = .microseconds(200)

    /// `workerExited` runs on each worker thread as it ends (after the pool is released).
    init(threads: Int, workerExited: (@Sendable () -> Void)? = nil) {
        self.threads = max(1, threads)
        shared = Shared(workers: self.threads - 1)
        for worker in 0..<(self.threads - 1) {
            let shared = self.shared
            let thread = Thread {
                shared.run(worker: worker)
                workerExited?()
            }
            thread.qualityOfService = .userInitiated
            thread.start()
        }
    }

    deinit {
        shared.shutDown()
    }

    /// Runs `body(part)` for `part` in `0..<parts` (at most `threads`), part 0 on the calling thread,
    /// and returns when all parts are done.
    func perform(parts: Int, _ body: (Int) -> Void) {
        precondition(parts <= threads, "more parts than threads")
        guard parts > 1 else {
            if parts == 1 { body(0) }
            return
        }
        // The parts finish before this returns, so handing the non-escaping body to the workers is safe.
        withoutActuallyEscaping(body) { escapable in
            if !shared.fork(parts: parts, escapable) {
                let box = UncheckedSendable(escapable)
                DispatchQueue.concurrentPerform(iterations: parts) { box.value($0) }
            }
        }
    }

    /// State the worker threads share with the pool; it outlives the pool until they exit.
    private final class Shared: @unchecked Sendable {
        /// Fork number × 256 + its part count, so a worker reads both in one load.
        private let generation = Atomic<Int>(0)
        private let pending = Atomic<Int>(0)
        private let inUse = Atomic<Bool>(false)
        private let stopping = Atomic<Bool>(false)
        private let slots: [WorkerSlot]
        /// Written by the forking caller before it publishes a generation; read by the workers taking
        /// part, whom the caller waits for before it clears it.
        private var task: ((Int) -> Void)?

        init(workers: Int) {
            precondition(workers < 255, "too many workers")
            slots = (0..<workers).map { _ in WorkerSlot() }
        }

        /// Returns false, having done nothing, when another caller is using the workers.
        func fork(parts: Int, _ body: @escaping (Int) -> Void) -> Bool {
            guard inUse.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
            task = body
            pending.store(parts - 1, ordering: .sequentiallyConsistent)
            publish(parts: parts)
            body(0)
            var spins = 0
            while pending.load(ordering: .acquiring) > 0 {
                spins += 1
                if spins % 1_024 == 0 { sched_yield() }
            }
            task = nil
            inUse.store(false, ordering: .releasing)
            return true
        }

        func shutDown() {
            stopping.store(true, ordering: .sequentiallyConsistent)
            publish(parts: slots.count + 1)
        }

        /// Starts a new generation and wakes the parked workers among the first `parts - 1`.
        private func publish(parts: Int) {
            let next = (generation.load(ordering: .relaxed) / 256 + 1) * 256 + parts
            generation.store(next, ordering: .sequentiallyConsistent)
            for slot in slots.prefix(parts - 1) where slot.parked.exchange(0, ordering: .sequentiallyConsistent) == 1 {
                slot.wakeUp.signal()
            }
        }

        func run(worker: Int) {
            // Generation 0 is the one before any fork, even if a fork came before this thread started.
            var seen = 0
            while true {
                seen = nextGeneration(after: seen, worker: worker)
                if stopping.load(ordering: .acquiring) { return }
                // Part 0 is the caller's; worker w runs part w + 1 when the fork has that many parts.
                if worker + 1 < seen % 256 {
                    runPart(worker + 1)
                    pending.subtract(1, ordering: .releasing)
                }
            }
        }

        /// Runs one part, and lets go of the caller's closure before the caller learns it is done
        /// (the closure must not outlive the fork).
        @inline(never)
        private func runPart(_ part: Int) {
            task?(part)
        }

        /// Polls for a generation other than `seen` for `spinLimit`, then parks until woken.
        private func nextGeneration(after seen: Int, worker: Int) -> Int {
            let slot = slots[worker]
            var deadline = ContinuousClock.now + ForkJoinPool.spinLimit
            var spins = 0
            while true {
                let current = generation.load(ordering: .acquiring)
                if current != seen { return current }
                spins += 1
                guard spins % 256 == 0 else { continue }
                // Another runnable thread (more threads than cores) gets the core for a moment.
                sched_yield()
                guard ContinuousClock.now >= deadline else { continue }
                slot.parked.store(1, ordering: .sequentiallyConsistent)
                if generation.load(ordering: .sequentiallyConsistent) == seen {
                    slot.wakeUp.wait()
                } else if !slot.parked.compareExchange(expected: 1, desired: 0, ordering: .sequentiallyConsistent).exchanged {
                    // A fork came while parking and its caller cleared the flag: it also signalled.
                    slot.wakeUp.wait()
                }
                deadline = ContinuousClock.now + ForkJoinPool.spinLimit
            }
        }
    }

    /// One worker's parking place.
    private final class WorkerSlot: Sendable {
        /// 1 while the worker is parked (or about to park), 0 while it polls.
        let parked = Atomic<Int>(0)
        let wakeUp = DispatchSemaphore(value: 0)
    }
}

/// Carries a value across threads where the caller guarantees the access is safe.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
