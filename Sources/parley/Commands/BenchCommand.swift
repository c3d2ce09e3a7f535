import ArgumentParser
import AsyncHTTPClient
import Fluent
import Foundation
import Logging
import ParleyCore
import ParleyEmbeddings
import ParleyServer
import ParleyStore
import Vapor

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print figures (not tests).",
        subcommands: [Chat.self, EmbedBenchCommand.self, RetrieveBenchCommand.self, JobsBenchCommand.self, AdminBenchCommand.self,
                      LeadsBenchCommand.self])

    struct Chat: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Latency of whole chat turns (POST + SSE stream to `done`) over real HTTP on loopback.",
            discussion: """
                Runs against a fresh SQLite database in a temporary folder, with the model the configuration selects (the \
                extractive answerer when no LLM key is set). --limits both (the default) measures, one after the other in this \
                run: limits off, limits on with counters in memory, and limits on with counters in the database (all rates \
                set so high that none refuses, so every turn pays for the counting and nothing else changes).
                """)

        enum LimitsMode: String, ExpressibleByArgument, CaseIterable {
            case off, on, both
        }

        @OptionGroup var global: GlobalOptions

        @ArgumentParser.Option(help: "Number of measured turns.")
        var turns = 200

        @ArgumentParser.Option(help: "Unmeasured warm-up turns.")
        var warmup = 10

        @ArgumentParser.Option(help: "Rate limits and stream caps: off, on (memory and database counters) or both.")
        var limits = LimitsMode.both

        func validate() throws {
            guard (1...100_000).contains(turns) else { throw ValidationError("--turns must be between 1 and 100000") }
            guard (0...10_000).contains(warmup) else { throw ValidationError("--warmup must be between 0 and 10000") }
        }

        /// One phase of the run: a name and how it sets the limits.
        struct Phase {
            var name: String
            var counters: ParleyConfig.CounterStore?
        }

        func run() async throws {
            let loaded = try Runtime.loadConfiguration(global)
            var logs = loaded
            logs.config.logging.path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-bench-chat.jsonl").path
            try Runtime.bootstrapLogging(logs, stdout: false, level: .warning)
            var phases: [Phase] = []
            if limits != .on { phases.append(Phase(name: "limits off", counters: nil)) }
            if limits != .off {
                phases.append(Phase(name: "limits on, counters in memory", counters: .memory))
                phases.append(Phase(name: "limits on, counters in SQLite", counters: .database))
            }
            print("parley bench chat: \(turns) turns (+\(warmup) warm-up) per phase, SQLite, loopback HTTP")
            for phase in phases {
                let (samples, provider) = try await measure(loaded, phase: phase)
                let sorted = samples.sorted()
                func percentile(_ p: Double) -> Double { Statistics.percentile(sorted, p) }
                let mean = samples.reduce(0, +) / Double(samples.count)
                let label = "\(phase.name) (model \(provider)):".padding(toLength: 52, withPad: " ", startingAt: 0)
                print("  " + label + String(format: "p50 %.2f ms   p90 %.2f ms   p99 %.2f ms   mean %.2f ms   max %.2f ms",
                                           percentile(0.50), percentile(0.90), percentile(0.99), mean, sorted.last ?? 0))
            }
        }

        private func measure(_ loaded: ConfigLoader.Loaded, phase: Phase) async throws -> ([Double], String) {
            var samples: [Double] = []
            var provider = ""
            // The demo tenant and its knowledge base are seeded, so turns include retrieval.
            try await ScratchApplication.run(label: "bench", loaded: loaded, loadsKnowledge: true, bootstrapsLogging: false, adjust: { config in
                config.app.seedDemo = true
                config.llm.offlineWordDelayMs = 0
                config.limits = Self.limits(phase.counters)
            }) { app in
                try await app.server.start()
                let port = app.http.server.shared.localAddress?.port ?? 0
                provider = app.parley.model.provider
                let client = ChatBenchClient(baseURL: "http://127.0.0.1:\(port)", agent: app.parley.config.app.defaultAgent)
                do {
                    var sessionKey: String?
                    for index in 0..<(warmup + turns) {
                        let question = ChatBenchClient.questions[index % ChatBenchClient.questions.count]
                        let started = ContinuousClock.now
                        sessionKey = try await client.turn(question, sessionKey: sessionKey)
                        if index >= warmup { samples.append(started.duration(to: .now).milliseconds) }
                    }
                } catch {
                    try? await client.shutdown()
                    await app.server.shutdown()
                    throw error
                }
                try await client.shutdown()
                await app.server.shutdown()
            }
            return (samples, provider)
        }

        /// Every limit on but out of reach (so the counting is measured, never a refusal), or all off.
        static func limits(_ counters: ParleyConfig.CounterStore?) -> ParleyConfig.LimitsSection {
            var limits = ParleyConfig.LimitsSection()
            let rate = counters == nil ? 0 : 100_000_000
            limits.visitorPerMinute = rate; limits.visitorPerDay = rate
            limits.ipPerMinute = rate; limits.ipPerDay = rate
            limits.tenantPerMinute = rate; limits.tenantPerDay = rate
            limits.streamsPerTenant = counters == nil ? 0 : 100_000
            limits.streamsPerIP = counters == nil ? 0 : 100_000
            limits.counters = counters ?? .memory
            return limits
        }
    }
}
