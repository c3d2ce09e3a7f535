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
        subcommands: [Chat.self, EmbedBenchCommand.self, RetrieveBenchCommand.self, JobsBenchCommand.self])

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
            var samples: [Double] = []
            var provider = ""
            // The demo tenant and its knowledge base are seeded, so turns include retrieval.
            try await ScratchApplication.run(label: "bench", loaded: Runtime.loadConfiguration(global), loadsKnowledge: true,
                                             adjust: { $0.app.seedDemo = true; $0.llm.offlineWordDelayMs = 0 }) { app in
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
            let sorted = samples.sorted()
            func percentile(_ p: Double) -> Double { Statistics.percentile(sorted, p) }
            let mean = samples.reduce(0, +) / Double(samples.count)
            print("parley bench chat: \(turns) turns (+\(warmup) warm-up), model \(provider), SQLite, loopback HTTP")
            print(String(format: "  p50 %.2f ms   p90 %.2f ms   p99 %.2f ms   mean %.2f ms   max %.2f ms",
                         percentile(0.50), percentile(0.90), percentile(0.99), mean, sorted.last ?? 0))
        }
    }
}
