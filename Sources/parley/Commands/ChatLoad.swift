import Foundation
import ParleyCore

/// Many visitors at once, as `load.py` drives a server: each runs conversations of a few turns
/// (the session key reused) until the measured turns are claimed. Prints what `run.sh compare`
/// prints for a server: turns per second, latency percentiles, errors, CPU per turn.
struct ChatLoad {
    let client: ChatBenchClient
    let concurrency: Int
    let conversationLength: Int

    struct Result {
        var turns: Int
        var seconds: Double
        var latencies: [Double]
        var errors: [String: Int]
        /// CPU of this whole process (server and client) per measured turn.
        var cpuMillisecondsPerTurn: Double
    }

    /// Claims turns for the visitors: a budget shared by all of them.
    actor Budget {
        private var left: Int
        private(set) var latencies: [Double] = []
        private(set) var errors: [String: Int] = [:]

        init(_ turns: Int) { left = turns }

        func claim() -> Bool {
            guard left > 0 else { return false }
            left -= 1
            return true
        }

        func record(_ latency: Double) { latencies.append(latency) }
        func fail(_ kind: String) { errors[kind, default: 0] += 1 }
    }

    func run(turns: Int) async -> Result {
        let budget = Budget(turns)
        let cpuBefore = Self.processCPUSeconds()
        let started = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for visitor in 0..<concurrency {
                group.addTask { await visit(visitor, budget: budget) }
            }
        }
        let seconds = started.duration(to: .now).milliseconds / 1000
        let latencies = await budget.latencies
        return Result(turns: latencies.count, seconds: seconds, latencies: latencies.sorted(), errors: await budget.errors,
                      cpuMillisecondsPerTurn: (Self.processCPUSeconds() - cpuBefore) * 1000 / Double(max(1, latencies.count)))
    }

    private func visit(_ visitor: Int, budget: Budget) async {
        var conversation = 0
        while true {
            var key: String?
            conversation += 1
            for turn in 0..<conversationLength {
                guard await budget.claim() else { return }
                let questions = ChatBenchClient.questions
                let question = questions[(visitor + conversation + turn) % questions.count] + " (visitor \(visitor), turn \(turn + 1))"
                let turnStarted = ContinuousClock.now
                do {
                    key = try await client.turn(question, sessionKey: key)
                    await budget.record(turnStarted.duration(to: .now).milliseconds)
                } catch {
                    await budget.fail(String(describing: error))
                    break
                }
            }
        }
    }

    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
