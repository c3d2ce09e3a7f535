import ArgumentParser
import Foundation
import ParleyCore
import ParleyEmbeddings

struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Quality evaluations that print figures.",
        subcommands: [STS.self, EvalBEIRCommand.self])

    struct STS: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sts",
            abstract: "Spearman x100 of cosine similarity against the gold scores of an STS-B-format file.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "STS-B-format file (tab-separated genre, file, year, id, score, sentence1, sentence2).")
        var file: String

        func run() async throws {
            let loaded = try Runtime.loadConfiguration(global)
            let benchmark: STSBenchmark
            do {
                benchmark = try STSBenchmark(contentsOf: file)
            } catch let error as EmbeddingError {
                throw ValidationError(error.description)
            }
            let embedder = try EmbedderFactory.local(loaded.config)
            let started = ContinuousClock.now
            let result = benchmark.evaluate { embedder.embedNow($0) }
            let elapsed = started.duration(to: .now)
            print(String(format: "STS %@: %d pairs, model %@\n  Spearman x100 %.2f   Pearson x100 %.2f   (%.1f s)",
                         file, benchmark.pairs.count, embedder.model.description, result.spearman, result.pearson,
                         elapsed.seconds))
        }
    }
}

/// Builds the local embedder for the CLI, turning load failures into a clear message.
enum EmbedderFactory {
    static func local(_ config: ParleyConfig, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> LocalEmbedder {
        do {
            return try LocalEmbedder(configuredPath: config.embeddings.local.path, threads: threads)
        } catch let error as EmbeddingError {
            throw ValidationError(error.description)
        }
    }
}
