import Foundation
import ParleyCore

/// A deterministic embedder for tests: each lower-cased word is hashed into one of
/// `dimension` buckets and the counts are L2-normalised, so texts sharing words are close and
/// texts sharing none are orthogonal. Fast, and exact enough to assert rankings on.
public struct HashingEmbedder: Embedder {
    public let model: EmbeddingModelInfo

    public init(dimension: Int = 64, name: String = "hashing-test") {
        model = EmbeddingModelInfo(name: name, dimension: dimension)
    }

    public func embed(_ texts: [String]) async throws -> [EmbeddingVector] {
        texts.map { EmbeddingVector(values: vector($0), model: model) }
    }

    public func vector(_ text: String) -> [Float] {
        var values = [Float](repeating: 0, count: model.dimension)
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            var hash: UInt64 = 1_469_598_103_934_665_603
            for byte in word.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
            values[Int(hash % UInt64(model.dimension))] += 1
        }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? values.map { $0 / norm } : values
    }
}
