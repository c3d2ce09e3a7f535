import Foundation

/// The BERT forward pass of a sentence-transformers model, with mean pooling and L2
/// normalisation, on CPU.
///
/// Sequences are packed back to back with no padding: the per-token layers (projections,
/// feed-forward, LayerNorm) run as one GEMM over every token of the batch, and attention runs
/// per sequence over exactly its own tokens, which is what an attention mask computes.
public final class BertEncoder: Sendable {
    public let configuration: BertConfiguration
    let weights: BertWeights
    /// Rows per feed-forward block: bounds the intermediate buffer (rows × 1536 floats).
    let feedForwardBlockRows = 2048
    let splitter: WorkSplitter

    init(configuration: BertConfiguration, weights: BertWeights, threads: Int) {
        self.configuration = configuration
        self.weights = weights
        self.splitter = WorkSplitter(threads: max(1, threads))
        Gemm.setThreads(1)
    }

    /// Normalised sentence embeddings for token-id sequences (each starting with [CLS]).
    public func embed(_ sequences: [[Int32]]) -> [[Float]] {
        guard !sequences.isEmpty else { return [] }
        let h = configuration.hiddenSize
        let offsets = sequences.reduce(into: [0]) { $0.append($0.last! + $1.count) }
        let tokens = offsets.last!
        let maxLength = sequences.map(\.count).max() ?? 0

        let hidden = UnsafeMutablePointer<Float>.allocate(capacity: tokens * h)
        let qkv = UnsafeMutablePointer<Float>.allocate(capacity: tokens * 3 * h)
        let context = UnsafeMutablePointer<Float>.allocate(capacity: tokens * h)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: tokens * h)
        let intermediate = UnsafeMutablePointer<Float>.allocate(capacity: min(tokens, feedForwardBlockRows) * configuration.intermediateSize)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: max(1, maxLength * maxLength) * splitter.threads)
        defer {
            for buffer in [hidden, qkv, context, scratch, intermediate, scores] { buffer.deallocate() }
        }

        embedTokens(sequences, into: hidden)
        for layer in weights.layers {
            attention(layer, hidden: hidden, qkv: qkv, context: context, scores: scores,
                      offsets: offsets, tokens: tokens, maxLength: maxLength)
            // scratch = context · Woᵀ + bo + hidden; hidden = LayerNorm(scratch)
            VectorMath.broadcastRows(layer.attentionOutBias.pointer, into: scratch, rows: tokens, width: h)
            splitter.gemmTransposed(m: tokens, a: context, lda: h, weight: layer.attentionOutWeight, accumulate: true, c: scratch, ldc: h)
            splitter.forEachSlice(of: tokens, minimumSlice: 16) { _, rows in
                add(hidden + rows.lowerBound * h, into: scratch + rows.lowerBound * h, count: rows.count * h)
                VectorMath.layerNorm(scratch + rows.lowerBound * h, rows: rows.count, width: h, gamma: layer.attentionNormGamma.pointer,
                                     beta: layer.attentionNormBeta.pointer, epsilon: configuration.layerNormEpsilon)
            }
            feedForward(layer, input: scratch, output: hidden, intermediate: intermediate, tokens: tokens)
        }
        return pool(hidden, offsets: offsets)
    }

    private func embedTokens(_ sequences: [[Int32]], into hidden: UnsafeMutablePointer<Float>) {
        let h = configuration.hiddenSize
        let words = weights.wordEmbeddings.pointer
        let positions = weights.positionEmbeddings.pointer
        let types = weights.tokenTypeEmbeddings.pointer
        var row = 0
        for sequence in sequences {
            for (position, id) in sequence.enumerated() {
                let target = hidden + row * h
                let word = words + Int(id) * h
                let place = positions + min(position, configuration.maxPositions - 1) * h
                for index in 0..<h { target[index] = word[index] + place[index] + types[index] }
                row += 1
            }
        }
        VectorMath.layerNorm(hidden, rows: row, width: h, gamma: weights.embeddingNormGamma.pointer,
                             beta: weights.embeddingNormBeta.pointer, epsilon: configuration.layerNormEpsilon)
    }

    private func attention(_ layer: BertLayerWeights, hidden: UnsafeMutablePointer<Float>, qkv: UnsafeMutablePointer<Float>,
                           context: UnsafeMutablePointer<Float>, scores: UnsafeMutablePointer<Float>,
                           offsets: [Int], tokens: Int, maxLength: Int) {
        let h = configuration.hiddenSize
        let width = 3 * h
        let headSize = configuration.headSize
        let scale = 1 / Float(headSize).squareRoot()
        VectorMath.broadcastRows(layer.qkvBias.pointer, into: qkv, rows: tokens, width: width)
        splitter.gemmTransposed(m: tokens, a: hidden, lda: h, weight: layer.qkvWeight, accumulate: true, c: qkv, ldc: width)
        let heads = configuration.headCount
        // Every (sequence, head) pair is independent; each thread has its own scores buffer.
        // A handful of tokens is cheaper on one thread than the hand-off to a second one.
        let pairSlice = tokens < 8 ? Int.max : 1
        splitter.forEachSlice(of: (offsets.count - 1) * heads, minimumSlice: pairSlice) { part, pairs in
            let buffer = scores + part * maxLength * maxLength
            for pair in pairs {
                let sequence = pair / heads, head = pair % heads
                let start = offsets[sequence]
                let length = offsets[sequence + 1] - start
                let query = qkv + start * width + head * headSize
                let key = query + h
                let value = query + 2 * h
                Gemm.timesTransposed(m: length, n: length, k: headSize, alpha: scale, a: query, lda: width,
                                     b: key, ldb: width, beta: 0, c: buffer, ldc: length)
                VectorMath.softmaxRows(buffer, rows: length, columns: length, stride: length)
                Gemm.times(m: length, n: headSize, k: length, a: buffer, lda: length, b: value, ldb: width,
                           beta: 0, c: context + start * h + head * headSize, ldc: h)
            }
        }
    }

    /// output = LayerNorm(GELU(input · Wiᵀ + bi) · Woᵀ + bo + input), in blocks of rows.
    private func feedForward(_ layer: BertLayerWeights, input: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>,
                             intermediate: UnsafeMutablePointer<Float>, tokens: Int) {
        let h = configuration.hiddenSize
        let i = configuration.intermediateSize
        var start = 0
        while start < tokens {
            let rows = min(feedForwardBlockRows, tokens - start)
            VectorMath.broadcastRows(layer.intermediateBias.pointer, into: intermediate, rows: rows, width: i)
            splitter.gemmTransposed(m: rows, a: input + start * h, lda: h, weight: layer.intermediateWeight, accumulate: true,
                                    c: intermediate, ldc: i)
            // Row by row, so every row is computed alike whichever slice it falls in.
            splitter.forEachSlice(of: rows, minimumSlice: 8) { _, slice in
                for row in slice { VectorMath.gelu(intermediate + row * i, count: i) }
            }
            let target = output + start * h
            VectorMath.broadcastRows(layer.outputBias.pointer, into: target, rows: rows, width: h)
            splitter.gemmTransposed(m: rows, a: intermediate, lda: i, weight: layer.outputWeight, accumulate: true, c: target, ldc: h)
            let residual = input + start * h
            splitter.forEachSlice(of: rows, minimumSlice: 16) { _, slice in
                add(residual + slice.lowerBound * h, into: target + slice.lowerBound * h, count: slice.count * h)
                VectorMath.layerNorm(target + slice.lowerBound * h, rows: slice.count, width: h, gamma: layer.outputNormGamma.pointer,
                                     beta: layer.outputNormBeta.pointer, epsilon: configuration.layerNormEpsilon)
            }
            start += rows
        }
    }

    private func add(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int) {
        var index = 0
        while index + VectorMath.width <= count {
            VectorMath.store(VectorMath.load(target + index) + VectorMath.load(source + index), to: target + index)
            index += VectorMath.width
        }
        while index < count {
            target[index] += source[index]
            index += 1
        }
    }

    /// Mean over each sequence's tokens (all of them, [CLS] and [SEP] included), then unit length.
    private func pool(_ hidden: UnsafeMutablePointer<Float>, offsets: [Int]) -> [[Float]] {
        let h = configuration.hiddenSize
        return (0..<(offsets.count - 1)).map { sequence in
            let start = offsets[sequence], end = offsets[sequence + 1]
            var vector = [Float](repeating: 0, count: h)
            for row in start..<end {
                let base = hidden + row * h
                for index in 0..<h { vector[index] += base[index] }
            }
            let count = Float(end - start)
            var norm: Float = 0
            for index in 0..<h {
                vector[index] /= count
                norm += vector[index] * vector[index]
            }
            let scale = 1 / max(norm.squareRoot(), 1e-12)
            return vector.map { $0 * scale }
        }
    }
}
