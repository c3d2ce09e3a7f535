import ArgumentParser
import Foundation
import ParleyCore
import ParleyEmbeddings
import ParleyRetrieval

/// `parley bench retrieve`: latency of whole retrievals (query embedding + search + fusion) over
/// a synthetic knowledge base held in the embedded store.
struct RetrieveBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrieve",
        abstract: "Retrieval latency with the local embedder and the embedded store over a synthetic corpus.",
        discussion: """
        Chunks are synthetic: ~80 words drawn (Zipf) from a generated 20,000-word vocabulary, with random unit \
        vectors (embedding 100k real chunks would take an hour and does not change search cost). Queries are \
        6 words from the same vocabulary, embedded for real by the local model, one at a time.
        """)

    @OptionGroup var global: GlobalOptions

    @ArgumentParser.Option(help: "Chunks in the knowledge base.")
    var chunks = 100_000

    @ArgumentParser.Option(help: "Measured queries.")
    var queries = 300

    @ArgumentParser.Option(help: "hybrid, dense or lexical.")
    var mode = "hybrid"

    func validate() throws {
        guard (1 ... 2_000_000).contains(chunks) else { throw ValidationError("--chunks must be between 1 and 2000000") }
        guard (1 ... 100_000).contains(queries) else { throw ValidationError("--queries must be between 1 and 100000") }
        guard let parsed = RetrievalMode(rawValue: mode), parsed != .off else { throw ValidationError("--mode must be hybrid, dense or lexical") }
    }

    func run() async throws {
        let loaded = try Runtime.loadConfiguration(global)
        let embedder = try EmbedderFactory.local(loaded.config)
        let knowledge = KnowledgeBase(embedder: embedder, vectors: EmbeddedVectorStore(), settings: KnowledgeBaseSettings())
        var random = SplitMix64(seed: 42)
        let vocabulary = SyntheticText.vocabulary(20_000, random: &random)
        let tenant = TenantID()
        let dimension = embedder.model.dimension
        let loadStarted = ContinuousClock.now
        var batch: [StoredChunk] = []
        for index in 0 ..< chunks {
            let text = SyntheticText.sentence(80, vocabulary: vocabulary, random: &random)
            var vector = (0 ..< dimension).map { _ in Float(random.nextGaussian()) }
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            vector = vector.map { $0 / norm }
            let chunk = KnowledgeChunk(tenantID: tenant, sourceID: SourceID(), agentCode: nil, position: 0, text: text,
                                       title: "Synthetic \(index)", url: nil, headingPath: [])
            batch.append(StoredChunk(chunk: chunk, vector: EmbeddingVector(values: vector, model: embedder.model)))
            if batch.count == 5000 || index == chunks - 1 {
                try await knowledge.add(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        let loadSeconds = loadStarted.duration(to: .now).seconds
        let texts = (0 ..< queries + 20).map { _ in SyntheticText.sentence(6, vocabulary: vocabulary, random: &random) }
        var latencies: [Double] = []
        var embedOnly: [Double] = []
        var found = 0
        for (index, text) in texts.enumerated() {
            let embedStarted = ContinuousClock.now
            _ = try await embedder.embed([text])
            if index >= 20 { embedOnly.append(embedStarted.duration(to: .now).milliseconds) }
            let started = ContinuousClock.now
            let passages = try await knowledge.retrieve(RetrievalQuery(tenantID: tenant, agentCode: "sales", text: text, topK: 5,
                                                                       mode: RetrievalMode(rawValue: mode) ?? .hybrid))
            let elapsed = started.duration(to: .now).milliseconds
            if index >= 20 { latencies.append(elapsed); found += passages.count }
        }
        latencies.sort()
        embedOnly.sort()
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print("parley bench retrieve: \(chunks) synthetic chunks (~80 words, \(dimension)-d), mode \(mode), top 5, embedded store, \(queries) queries (+20 warm-up)")
        print(String(format: "  index build %.1f s; latency incl. query embedding: p50 %.2f ms   p90 %.2f ms   p99 %.2f ms   max %.2f ms",
                     loadSeconds, Statistics.percentile(latencies, 0.5), Statistics.percentile(latencies, 0.9),
                     Statistics.percentile(latencies, 0.99), latencies.max() ?? 0))
        print(String(format: "  of which the query embedding alone: p50 %.2f ms   p99 %.2f ms", Statistics.percentile(embedOnly, 0.5), Statistics.percentile(embedOnly, 0.99)))
        print(String(format: "  %.1f passages per query   peak RSS %.1f MiB", Double(found) / Double(latencies.count), Double(usage.ru_maxrss) / 1024))
    }
}

extension SplitMix64 {
    /// A standard normal sample (Box-Muller).
    mutating func nextGaussian() -> Double {
        let u1 = max(Double.random(in: 0 ..< 1, using: &self), 1e-12)
        let u2 = Double.random(in: 0 ..< 1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}

/// Pronounceable fake words with a Zipf-like frequency, for synthetic corpora.
enum SyntheticText {
    static func vocabulary(_ size: Int, random: inout SplitMix64) -> [String] {
        let onsets = ["b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st", "tr", "pl"]
        let vowels = ["a", "e", "i", "o", "u", "ai", "ou"]
        var words = Set<String>()
        while words.count < size {
            let syllables = Int.random(in: 2 ... 4, using: &random)
            words.insert((0 ..< syllables).map { _ in onsets.randomElement(using: &random)! + vowels.randomElement(using: &random)! }.joined())
        }
        return words.sorted()
    }

    static func sentence(_ words: Int, vocabulary: [String], random: inout SplitMix64) -> String {
        (0 ..< words).map { _ in
            // Zipf-like: the index of a uniform draw cubed favours the first words.
            let u = Double.random(in: 0 ..< 1, using: &random)
            return vocabulary[min(vocabulary.count - 1, Int(pow(u, 3) * Double(vocabulary.count)))]
        }.joined(separator: " ")
    }
}
