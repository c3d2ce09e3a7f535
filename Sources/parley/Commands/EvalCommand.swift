import ArgumentParser
import Foundation
import ParleyCore
import ParleyEmbeddings
import ParleyLeads

struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Quality evaluations that print figures.",
        subcommands: [STS.self, EvalBEIRCommand.self, EvalSelfCommand.self, EvalConfidenceCommand.self, Leads.self])

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

    struct Leads: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "leads",
            abstract: "Precision and recall per field of the deterministic contact extractor on a labelled JSON-lines file.",
            discussion: "The file's first line is {\"catalogue\": [names]}; then one {\"message\", \"name\"?, \"email\"?, \"phone\"?, \"interests\"?} per line.")

        @Argument(help: "Labelled messages (JSON lines), e.g. Tests/Fixtures/leads/heldout.jsonl.")
        var file: String

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let (catalogue, rows) = try ExtractorEvaluation.load(String(decoding: data, as: UTF8.self))
            let scores = ExtractorEvaluation.evaluate(ContactExtractor(catalogue: InterestCatalogue(names: catalogue)), on: rows)
            print("\(file): \(rows.count) messages, \(catalogue.count) catalogue names")
            for field in ExtractorEvaluation.fields {
                let score = scores[field] ?? .init()
                print("  " + field.padding(toLength: 10, withPad: " ", startingAt: 0)
                      + String(format: "precision %.2f  recall %.2f   (%d right, %d wrong or extra, %d missed)",
                               score.precision, score.recall, score.truePositives, score.falsePositives, score.falseNegatives))
            }
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
