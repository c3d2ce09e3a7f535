import ArgumentParser
import AsyncHTTPClient
import Fluent
import Foundation
import Logging
import ParleyCore
import ParleyServer
import ParleyStore
import Vapor

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print figures (not tests).",
        subcommands: [Chat.self, EmbedBenchCommand.self, RetrieveBenchCommand.self])

    struct Chat: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Latency of whole chat turns (POST + SSE stream to `done`) over real HTTP on loopback.",
            discussion: "Runs against a fresh SQLite database in a temporary folder, with the model the configuration selects (the extractive answerer when no LLM key is set).")

        @OptionGroup var global: GlobalOptions

        @ArgumentParser.Option(help: "Number of measured turns.")
        var turns = 200

        @ArgumentParser.Option(help: "Unmeasured warm-up turns.")
        var warmup = 10

        func validate() throws {
            guard (1...100_000).contains(turns) else { throw ValidationError("--turns must be between 1 and 100000") }
            guard (0...10_000).contains(warmup) else { throw ValidationError("--warmup must be between 0 and 10000") }
        }

        func run() async throws {
            var loaded = try Runtime.loadConfiguration(global)
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("parley-bench-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            loaded.secrets.databaseURL = nil
            loaded.config.logging.path = scratch + "/bench.jsonl"
            try Runtime.bootstrapLogging(loaded, stdout: false, level: .warning)
            let app = try await Runtime.makeApplication(loaded, loadsKnowledge: true) { config in
                config.app.dataDir = scratch
                config.database.sqlitePath = scratch + "/bench.sqlite"
                config.app.host = "127.0.0.1"
                config.app.port = 0
            }
            try await app.server.start()
            let port = app.http.server.shared.localAddress?.port ?? 0
            let provider = app.parley.model.provider
            let client = ChatBenchClient(baseURL: "http://127.0.0.1:\(port)", agent: app.parley.config.app.defaultAgent)
            var samples: [Double] = []
            do {
                var sessionKey: String?
                for index in 0..<(warmup + turns) {
                    let question = ChatBenchClient.questions[index % ChatBenchClient.questions.count]
                    let started = ContinuousClock.now
                    sessionKey = try await client.turn(question, sessionKey: sessionKey)
                    let elapsed = started.duration(to: .now)
                    if index >= warmup {
                        samples.append(elapsed.milliseconds)
                    }
                }
            } catch {
                try? await client.shutdown()
                await app.server.shutdown()
                try? await app.asyncShutdown()
                throw error
            }
            try await client.shutdown()
            await app.server.shutdown()
            try await app.asyncShutdown()
            let sorted = samples.sorted()
            func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)] }
            let mean = samples.reduce(0, +) / Double(samples.count)
            print("parley bench chat: \(turns) turns (+\(warmup) warm-up), model \(provider), SQLite, loopback HTTP")
            print(String(format: "  p50 %.2f ms   p90 %.2f ms   p99 %.2f ms   mean %.2f ms   max %.2f ms",
                         percentile(0.50), percentile(0.90), percentile(0.99), mean, sorted.last ?? 0))
        }
    }
}
