import ArgumentParser
import Foundation
import ParleyCore
import ParleyEmbeddings
#if canImport(Glibc)
import Glibc
#endif

struct EmbedBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Local embedding speed and memory: SciFact corpus throughput (batch 32), single-query latency, peak RSS.")

    @OptionGroup var global: GlobalOptions

    @ArgumentParser.Option(help: "BEIR SciFact folder (corpus.jsonl, queries.jsonl); the default is the shared evaluation data beside the repository.")
    var scifact = "../shared/eval/scifact"

    func validate() throws {
        guard FileManager.default.fileExists(atPath: scifact + "/corpus.jsonl") else {
            throw ValidationError("""
                no SciFact corpus at \(scifact)/corpus.jsonl: pass --scifact FOLDER with BEIR's SciFact files \
                (https://public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets/scifact.zip, unzipped)
                """)
        }
    }

    @ArgumentParser.Option(help: "Documents to encode (0 = all).")
    var documents = 0

    @ArgumentParser.Option(help: "Batch size for the corpus.")
    var batch = 32

    @ArgumentParser.Option(help: "Encoder threads (default: all cores).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    func run() async throws {
        let loaded = try Runtime.loadConfiguration(global)
        let loadStarted = ContinuousClock.now
        let embedder = try EmbedderFactory.local(loaded.config, threads: threads)
        let loadSeconds = loadStarted.duration(to: .now).seconds
        let tokenizer = embedder.tokenizer
        var corpus = try JSONLines.read(scifact + "/corpus.jsonl").map { document in
            "\(document["title"] ?? "") \(document["text"] ?? "")".trimmingCharacters(in: .whitespaces)
        }
        if documents > 0 { corpus = Array(corpus.prefix(documents)) }
        let queries = try JSONLines.read(scifact + "/queries.jsonl").compactMap { $0["text"] }

        for query in queries.prefix(10) { _ = embedder.embedNow([query]) }
        var latencies: [Double] = []
        for query in queries {
            let started = ContinuousClock.now
            _ = embedder.embedNow([query])
            latencies.append(started.duration(to: .now).seconds * 1000)
        }
        latencies.sort()

        // As sentence-transformers does: sort by length, then encode in batches.
        let ids = corpus.map(tokenizer.encode)
        let order = ids.indices.sorted { ids[$0].count > ids[$1].count }
        let pieces = ids.reduce(0) { $0 + $1.count }
        let started = ContinuousClock.now
        var index = 0
        while index < order.count {
            let chunk = order[index..<min(order.count, index + batch)].map { ids[$0] }
            _ = embedder.encodeTokenIDs(chunk)
            index += batch
        }
        let corpusSeconds = started.duration(to: .now).seconds
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print("parley bench embed: model \(embedder.model), \(threads) thread(s), model load \(String(format: "%.2f", loadSeconds)) s")
        print(String(format: "  corpus: %d docs, %d word pieces in %.1f s: %.1f docs/s, %.0f word pieces/s (batch %d)",
                     corpus.count, pieces, corpusSeconds, Double(corpus.count) / corpusSeconds, Double(pieces) / corpusSeconds, batch))
        print(String(format: "  single query (%d, one at a time): p50 %.2f ms  p90 %.2f ms  p99 %.2f ms",
                     latencies.count, Statistics.percentile(latencies, 0.5), Statistics.percentile(latencies, 0.9),
                     Statistics.percentile(latencies, 0.99)))
        print(String(format: "  peak RSS: %.1f MiB", Double(usage.ru_maxrss) / 1024))
    }
}

/// Reads a JSON-lines file into string fields.
enum JSONLines {
    static func read(_ path: String) throws -> [[String: String]] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?.compactMapValues { $0 as? String }
        }
    }
}
