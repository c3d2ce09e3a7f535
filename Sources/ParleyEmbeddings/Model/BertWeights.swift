import Foundation

/// The shape of a BERT encoder, read from the model's `config.json`.
public struct BertConfiguration: Sendable, Equatable, Decodable {
    public var hiddenSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var intermediateSize: Int
    public var vocabularySize: Int
    public var maxPositions: Int
    public var typeVocabularySize: Int
    public var layerNormEpsilon: Float

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", layerCount = "num_hidden_layers", headCount = "num_attention_heads"
        case intermediateSize = "intermediate_size", vocabularySize = "vocab_size"
        case maxPositions = "max_position_embeddings", typeVocabularySize = "type_vocab_size"
        case layerNormEpsilon = "layer_norm_eps", hiddenAct = "hidden_act"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        hiddenSize = try container.decode(Int.self, forKey: .hiddenSize)
        layerCount = try container.decode(Int.self, forKey: .layerCount)
        headCount = try container.decode(Int.self, forKey: .headCount)
        intermediateSize = try container.decode(Int.self, forKey: .intermediateSize)
        vocabularySize = try container.decode(Int.self, forKey: .vocabularySize)
        maxPositions = try container.decode(Int.self, forKey: .maxPositions)
        typeVocabularySize = try container.decodeIfPresent(Int.self, forKey: .typeVocabularySize) ?? 2
        layerNormEpsilon = Float(try container.decodeIfPresent(Double.self, forKey: .layerNormEpsilon) ?? 1e-12)
        let activation = try container.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "gelu"
        guard activation == "gelu" else { throw EmbeddingError.invalidModel("unsupported activation \(activation)") }
        guard hiddenSize > 0, headCount > 0, hiddenSize % headCount == 0, layerCount > 0 else {
            throw EmbeddingError.invalidModel("config.json describes an impossible encoder")
        }
    }

    public var headSize: Int { hiddenSize / headCount }
}

/// One transformer layer's weights. Query, key and value are fused into one matrix so
/// that a single GEMM computes all three projections.
struct BertLayerWeights: Sendable {
    let qkvWeight: PanelMatrix      // [3H, H]
    let qkvBias: FloatTensor        // [3H]
    let attentionOutWeight: PanelMatrix  // [H, H]
    let attentionOutBias: FloatTensor
    let attentionNormGamma: FloatTensor
    let attentionNormBeta: FloatTensor
    let intermediateWeight: PanelMatrix  // [I, H]
    let intermediateBias: FloatTensor
    let outputWeight: PanelMatrix        // [H, I]
    let outputBias: FloatTensor
    let outputNormGamma: FloatTensor
    let outputNormBeta: FloatTensor
}

/// All weights of the encoder, loaded from safetensors: dense layers packed into panels, the
/// rest F32 in place (other float types widened).
struct BertWeights: Sendable {
    let wordEmbeddings: FloatTensor      // [V, H]
    let positionEmbeddings: FloatTensor  // [P, H]
    let tokenTypeEmbeddings: FloatTensor // [T, H]
    let embeddingNormGamma: FloatTensor
    let embeddingNormBeta: FloatTensor
    let layers: [BertLayerWeights]

    init(file: SafeTensorsFile, config: BertConfiguration) throws {
        let h = config.hiddenSize, i = config.intermediateSize
        // Some exports prefix every name with "bert.".
        let prefix = file.tensors["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        func tensor(_ name: String, _ shape: [Int]) throws -> FloatTensor { try file.view(prefix + name, shape: shape) }
        func dense(_ name: String, out: Int, in depth: Int) throws -> PanelMatrix {
            PanelMatrix(packing: try tensor(name, [out, depth]).pointer, columns: out, depth: depth)
        }
        wordEmbeddings = try tensor("embeddings.word_embeddings.weight", [config.vocabularySize, h])
        positionEmbeddings = try tensor("embeddings.position_embeddings.weight", [config.maxPositions, h])
        tokenTypeEmbeddings = try tensor("embeddings.token_type_embeddings.weight", [config.typeVocabularySize, h])
        embeddingNormGamma = try tensor("embeddings.LayerNorm.weight", [h])
        embeddingNormBeta = try tensor("embeddings.LayerNorm.bias", [h])
        layers = try (0..<config.layerCount).map { index in
            let p = "encoder.layer.\(index)."
            let parts = try ["query", "key", "value"].map { try file.floats(prefix + p + "attention.self.\($0).weight", shape: [h, h]) }
            let biases = try ["query", "key", "value"].map { try file.floats(prefix + p + "attention.self.\($0).bias", shape: [h]) }
            return BertLayerWeights(
                qkvWeight: parts.flatMap { $0 }.withUnsafeBufferPointer {
                    PanelMatrix(packing: $0.baseAddress!, columns: 3 * h, depth: h)
                },
                qkvBias: FloatTensor(copying: biases.flatMap { $0 }),
                attentionOutWeight: try dense(p + "attention.output.dense.weight", out: h, in: h),
                attentionOutBias: try tensor(p + "attention.output.dense.bias", [h]),
                attentionNormGamma: try tensor(p + "attention.output.LayerNorm.weight", [h]),
                attentionNormBeta: try tensor(p + "attention.output.LayerNorm.bias", [h]),
                intermediateWeight: try dense(p + "intermediate.dense.weight", out: i, in: h),
                intermediateBias: try tensor(p + "intermediate.dense.bias", [i]),
                outputWeight: try dense(p + "output.dense.weight", out: h, in: i),
                outputBias: try tensor(p + "output.dense.bias", [h]),
                outputNormGamma: try tensor(p + "output.LayerNorm.weight", [h]),
                outputNormBeta: try tensor(p + "output.LayerNorm.bias", [h]))
        }
        // The dense weights now live in their panels; the mapped pages they were read from can go.
        // The tensors still used in place (embeddings, biases, norms) come back from the page cache on use.
        file.releaseResidentPages()
    }
}
