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
                      LeadsBenchCommand.self, HandoffBenchCommand.self])

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

        @ArgumentParser.Option(help: "Visitors chatting at once, each in conversations of --conversation-length turns.")
        var concurrency = 1

        @ArgumentParser.Option(help: "Turns per conversation before a visitor starts a new one.")
        var conversationLength = 4

        @ArgumentParser.Option(help: "A PostgreSQL URL to run on instead of a scratch SQLite file (its tables are written to).")
        var postgres: String?

        func validate() throws {
            guard (1...100_000).contains(turns) else { throw ValidationError("--turns must be between 1 and 100000") }
            guard (0...10_000).contains(warmup) else { throw ValidationError("--warmup must be between 0 and 10000") }
            guard (1...1024).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 1024") }
            guard (1...100).contains(conversationLength) else { throw ValidationError("--conversation-length must be between 1 and 100") }
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
                phases.append(Phase(name: "limits on, counters in the database", counters: .database))
            }
            print("parley bench chat: \(turns) turns (+\(warmup) warm-up) per phase, \(concurrency) visitor(s) at once in conversations of "
                  + "\(conversationLength), \(postgres == nil ? "SQLite" : "PostgreSQL"), loopback HTTP; CPU is this process's (server and client)")
            for phase in phases {
                let (result, provider) = try await measure(loaded, phase: phase)
                func percentile(_ p: Double) -> Double { Statistics.percentile(result.latencies, p) }
                let mean = result.latencies.reduce(0, +) / Double(max(1, result.latencies.count))
                let label = "\(phase.name) (model \(provider)):".padding(toLength: 52, withPad: " ", startingAt: 0)
                print("  " + label + String(format: "%.1f turns/s   p50 %.2f ms   p90 %.2f ms   p99 %.2f ms   mean %.2f ms   max %.2f ms   CPU %.2f ms/turn",
                                           Double(result.turns) / result.seconds, percentile(0.50), percentile(0.90), percentile(0.99), mean,
                                           result.latencies.last ?? 0, result.cpuMillisecondsPerTurn))
                if !result.errors.isEmpty {
                    print("    errors: " + result.errors.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))
                }
            }
        }

        private func measure(_ loaded: ConfigLoader.Loaded, phase: Phase) async throws -> (ChatLoad.Result, String) {
            var result: ChatLoad.Result?
            var provider = ""
            // The demo tenant and its knowledge base are seeded, so turns include retrieval.
            try await ScratchApplication.run(label: "bench", loaded: loaded, loadsKnowledge: true, postgresURL: postgres, bootstrapsLogging: false,
                                             adjust: { config in
                config.app.seedDemo = true
                config.llm.offlineWordDelayMs = 0
                config.limits = Self.limits(phase.counters)
            }) { app in
                try await app.server.start(address: nil)
                let port = app.http.server.shared.localAddress?.port ?? 0
                provider = app.parley.model.provider
                let client = ChatBenchClient(baseURL: "http://127.0.0.1:\(port)", agent: app.parley.config.app.defaultAgent,
                                             connections: concurrency)
                let load = ChatLoad(client: client, concurrency: concurrency, conversationLength: conversationLength)
                if warmup > 0 { _ = await load.run(turns: warmup) }
                result = await load.run(turns: turns)
                try? await client.shutdown()
                await app.server.shutdown()
            }
            guard let result else { throw ValidationError("the benchmark did not run") }
            return (result, provider)
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
