import Foundation

/// A piece of the tenant's knowledge base handed to the model as evidence.
public struct SourcePassage: Sendable, Hashable, Codable {
    public var chunkID: String
    public var title: String
    public var url: String?
    public var text: String
    public var score: Double
    /// The passage's dense cosine with the question, when dense retrieval ran and it was a
    /// candidate: the same scale in every retrieval mode (what answer confidence reads).
    public var similarity: Double?
    /// Its BM25 score as a share of the most the question's terms could score (0...1), when
    /// lexical retrieval ran and it was a candidate.
    public var lexicalMatch: Double?

    public init(chunkID: String, title: String, url: String?, text: String, score: Double, similarity: Double? = nil,
                lexicalMatch: Double? = nil) {
        self.chunkID = chunkID
        self.title = title
        self.url = url
        self.text = text
        self.score = score
        self.similarity = similarity
        self.lexicalMatch = lexicalMatch
    }
}

/// A numbered source as the visitor sees it: `[1]` in the answer points at `number` 1.
public struct Citation: Sendable, Hashable, Codable {
    public var number: Int
    public var chunkID: String
    public var title: String
    public var url: String?
    public var score: Double
    public var snippet: String

    public init(number: Int, chunkID: String, title: String, url: String?, score: Double, snippet: String) {
        self.number = number
        self.chunkID = chunkID
        self.title = title
        self.url = url
        self.score = score
        self.snippet = snippet
    }

    enum CodingKeys: String, CodingKey {
        case number, title, url, score, snippet
        case chunkID = "chunk_id"
    }
}

extension Citation {
    /// The citation as JSON, as its `Codable` conformance writes it (no `url` key without a
    /// URL), built directly: every answer's metadata and `citations` event carries these.
    public var jsonValue: JSONValue {
        var object: [String: JSONValue] = [
            "number": .number(Double(number)), "chunk_id": .string(chunkID), "title": .string(title),
            "score": .number(score), "snippet": .string(snippet),
        ]
        if let url { object["url"] = .string(url) }
        return .object(object)
    }
}
