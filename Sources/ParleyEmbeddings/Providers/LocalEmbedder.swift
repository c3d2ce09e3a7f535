import Dispatch
import Foundation
import ParleyCore
import Metrics

/// The in-process embedder: all-MiniLM-L6-v2 on the CPU.
///
/// Work runs on one dedicated serial queue (never on a NIO event loop or the Swift concurrency
/// pool), where BLAS may use every core; running one batch at a time is what keeps BLAS threads
/// from nesting and oversubscribing two cores. Callers that arrive while a batch is running wait
/// together and go into the next batch as one, which raises throughput under load.
public final class LocalEmbedder: Embedder, @unchecked Sendable {
    public let model: EmbeddingModelInfo
    private let encoder: SentenceEncoderModel
    private let queue = DispatchQueue(label: "parley.embeddings", qos: .userInitiated)
    private let lock = NSLock()
    private var pending: [Request] = []
    private var draining = false
    /// Most texts encoded in one pass.
    public let maxBatch: Int

    struct Request {
        var texts: [String]
        var continuation: CheckedContinuation<[[Float]], Never>
    }

    public init(encoder: SentenceEncoderModel, maxBatch: Int = 64) {
        self.encoder = encoder
        self.maxBatch = maxBatch
        model = EmbeddingModelInfo(name: encoder.name, dimension: encoder.dimension)
    }

    /// Loads the model from `embeddings.local.path`, or from the PyPI package's folder.
    public convenience init(configuredPath: String, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        try self.init(encoder: SentenceEncoderModel(folder: ModelLocator.locate(configuredPath: configuredPath), threads: threads))
    }

    public func embed(_ texts: [String]) async throws -> [EmbeddingVector] {
        guard !texts.isEmpty else { return [] }
        let started = ContinuousClock.now
        defer { EmbeddingMetrics.record(provider: "local", texts: texts.count, since: started) }
        let vectors = await withCheckedContinuation { continuation in
            enqueue(Request(texts: texts, continuation: continuation))
        }
        return vectors.map { EmbeddingVector(values: $0, model: model) }
    }

    /// Encodes synchronously on the calling thread (for the CLI's evaluation and benchmarks).
    public func embedNow(_ texts: [String]) -> [[Float]] {
        encoder.embed(texts)
    }

    /// The tokenizer of the loaded model.
    public var tokenizer: WordPieceTokenizer { encoder.tokenizer }

    /// Encodes already tokenized sequences synchronously (benchmarks).
    public func encodeTokenIDs(_ ids: [[Int32]]) -> [[Float]] {
        encoder.encoder.embed(ids)
    }

    private func enqueue(_ request: Request) {
        let start = lock.withLock { () -> Bool in
            pending.append(request)
            if draining { return false }
            draining = true
            return true
        }
        if start { queue.async { self.drain() } }
    }

    private func drain() {
        while true {
            let batch: [Request] = lock.withLock {
                var taken: [Request] = []
                var count = 0
                while let next = pending.first, taken.isEmpty || count + next.texts.count <= maxBatch {
                    taken.append(pending.removeFirst())
                    count += next.texts.count
                }
                if taken.isEmpty { draining = false }
                return taken
            }
            guard !batch.isEmpty else { return }
            let vectors = encodeSortedByLength(batch.flatMap(\.texts))
            var offset = 0
            for request in batch {
                request.continuation.resume(returning: Array(vectors[offset..<offset + request.texts.count]))
                offset += request.texts.count
            }
        }
    }

    /// Encodes in chunks of `maxBatch` texts of similar length, returning vectors in input order.
    private func encodeSortedByLength(_ texts: [String]) -> [[Float]] {
        let ids = texts.map(encoder.tokenizer.encode)
        let order = ids.indices.sorted { ids[$0].count < ids[$1].count }
        var result = [[Float]](repeating: [], count: texts.count)
        var start = 0
        while start < order.count {
            let chunk = Array(order[start..<min(order.count, start + maxBatch)])
            let vectors = encoder.encoder.embed(chunk.map { ids[$0] })
            for (position, index) in chunk.enumerated() { result[index] = vectors[position] }
            start += maxBatch
        }
        return result
    }
}
