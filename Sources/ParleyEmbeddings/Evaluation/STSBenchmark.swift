import Foundation

/// An STS-B-format file: tab-separated genre, file, year, id, score, sentence1, sentence2
/// (extra trailing columns are ignored).
public struct STSBenchmark: Sendable {
    public struct Pair: Sendable, Equatable {
        public var score: Double
        public var first: String
        public var second: String

        public init(score: Double, first: String, second: String) {
            self.score = score
            self.first = first
            self.second = second
        }
    }

    public let pairs: [Pair]

    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EmbeddingError.provider("cannot read \(path)")
        }
        try self.init(text: String(decoding: data, as: UTF8.self), source: path)
    }

    public init(text: String, source: String = "input") throws {
        var pairs: [Pair] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 7, let score = Double(fields[4].trimmingCharacters(in: .whitespaces)) else {
                throw EmbeddingError.provider("\(source) line \(number + 1): expected 7 tab-separated fields with a numeric score")
            }
            pairs.append(Pair(score: score, first: String(fields[5]), second: String(fields[6])))
        }
        guard !pairs.isEmpty else { throw EmbeddingError.provider("\(source) has no sentence pairs") }
        self.pairs = pairs
    }

    /// Spearman x100 and Pearson x100 of cosine similarity against the gold scores.
    public func evaluate(embed: ([String]) throws -> [[Float]]) rethrows -> (spearman: Double, pearson: Double) {
        let vectors = try embed(pairs.flatMap { [$0.first, $0.second] })
        let similarities = pairs.indices.map { Statistics.cosine(vectors[2 * $0], vectors[2 * $0 + 1]) }
        let gold = pairs.map(\.score)
        return (100 * Statistics.spearman(similarities, gold), 100 * Statistics.pearson(similarities, gold))
    }
}
