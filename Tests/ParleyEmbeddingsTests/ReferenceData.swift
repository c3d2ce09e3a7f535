import Foundation
import ParleyEmbeddings

/// The reference texts, token ids and embeddings of `../shared/eval/reference/minilm_reference.jsonl`,
/// and the model, loaded once for the whole test run.
enum ReferenceData {
    struct Entry: Decodable {
        var text: String
        var inputIDs: [Int32]
        var embedding: [Float]

        enum CodingKeys: String, CodingKey {
            case text, embedding
            case inputIDs = "input_ids"
        }
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sharedFolder = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")

    static let entries: [Entry] = {
        let path = sharedFolder.appendingPathComponent("eval/reference/minilm_reference.jsonl").path
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONDecoder().decode(Entry.self, from: Data($0.utf8))
        }
    }()

    static let model: Result<SentenceEncoderModel, any Error> = Result {
        try SentenceEncoderModel(folder: try ModelLocator.locate(configuredPath: ""))
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        Statistics.cosine(a, b)
    }
}
