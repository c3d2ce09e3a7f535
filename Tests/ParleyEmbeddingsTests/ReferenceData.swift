import Foundation
import ParleyEmbeddings

/// The reference texts, token ids and embeddings (sentence-transformers' all-MiniLM-L6-v2 on 72
/// texts, `Fixtures/minilm_reference.jsonl`, kept in the repository so the suite needs nothing
/// beside it), and the model, loaded once for the whole test run. A missing or short fixture
/// fails every test that uses it, naming the file: an accuracy test never passes with nothing to check.
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
    static let fixture = repositoryRoot.appendingPathComponent("Tests/ParleyEmbeddingsTests/Fixtures/minilm_reference.jsonl").path
    static let expectedCount = 72

    private static let loaded: Result<[Entry], ReferenceFixtureError> = {
        guard let data = FileManager.default.contents(atPath: fixture) else {
            return .failure(ReferenceFixtureError("the reference fixture \(fixture) is missing"))
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        var entries: [Entry] = []
        for (number, line) in lines.enumerated() {
            guard let entry = try? JSONDecoder().decode(Entry.self, from: Data(line.utf8)) else {
                return .failure(ReferenceFixtureError("line \(number + 1) of \(fixture) is not a reference entry"))
            }
            entries.append(entry)
        }
        guard entries.count == expectedCount else {
            return .failure(ReferenceFixtureError("\(fixture) holds \(entries.count) entries, not \(expectedCount)"))
        }
        return .success(entries)
    }()

    /// The 72 reference entries; throws (naming the fixture) when they cannot all be read.
    static func entries() throws -> [Entry] { try loaded.get() }

    static let model: Result<SentenceEncoderModel, any Error> = Result {
        try SentenceEncoderModel(folder: try ModelLocator.locate(configuredPath: ""))
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        Statistics.cosine(a, b)
    }
}

struct ReferenceFixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
