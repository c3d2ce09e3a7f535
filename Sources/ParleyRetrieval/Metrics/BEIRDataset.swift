import Foundation

/// A BEIR-format folder: `corpus.jsonl` (`_id`, `title`, `text`), `queries.jsonl` (`_id`,
/// `text`) and `qrels/<split>.tsv` (query-id, corpus-id, score, with a header row).
public struct BEIRDataset: Sendable {
    public struct Document: Sendable {
        public var id: String
        public var title: String
        public var text: String
    }

    public var documents: [Document]
    /// Only the queries that have judgements in the split, in file order.
    public var queries: [(id: String, text: String)]
    public var judgements: RankingMetrics.Judgements

    public struct FormatError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(folder: String, split: String = "test") throws {
        let base = URL(fileURLWithPath: folder)
        let qrelsText = try Self.read(base.appendingPathComponent("qrels/\(split).tsv"))
        var judgements: RankingMetrics.Judgements = [:]
        for (number, line) in qrelsText.split(whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(separator: "\t").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 3 else { throw FormatError(description: "qrels/\(split).tsv line \(number + 1): expected 3 tab-separated fields") }
            guard let grade = Int(fields[2]) else {
                if number == 0 { continue }   // header
                throw FormatError(description: "qrels/\(split).tsv line \(number + 1): score '\(fields[2])' is not an integer")
            }
            judgements[fields[0], default: [:]][fields[1]] = grade
        }
        let documents = try Self.corpus(folder: folder)
        var queries: [(String, String)] = []
        try Self.eachJSONLine(base.appendingPathComponent("queries.jsonl")) { object, line in
            guard let id = Self.string(object["_id"]), let text = object["text"] as? String else {
                throw FormatError(description: "queries.jsonl line \(line): needs _id and text")
            }
            if judgements[id] != nil { queries.append((id, text)) }
        }
        self.documents = documents
        self.queries = queries
        self.judgements = judgements
    }

    /// The documents of `folder/corpus.jsonl` alone, for uses that bring their own questions.
    public static func corpus(folder: String) throws -> [Document] {
        var documents: [Document] = []
        try eachJSONLine(URL(fileURLWithPath: folder).appendingPathComponent("corpus.jsonl")) { object, line in
            guard let id = string(object["_id"]) else { throw FormatError(description: "corpus.jsonl line \(line): no _id") }
            documents.append(Document(id: id, title: object["title"] as? String ?? "", text: object["text"] as? String ?? ""))
        }
        return documents
    }

    private static func string(_ value: Any?) -> String? {
        if let text = value as? String { return text }
        if let number = value as? NSNumber { return number.stringValue }
        return nil
    }

    private static func read(_ url: URL) throws -> String {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FormatError(description: "cannot read \(url.path)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func eachJSONLine(_ url: URL, _ body: ([String: Any], Int) throws -> Void) throws {
        for (number, line) in try read(url).split(whereSeparator: \.isNewline).enumerated() where !line.allSatisfy(\.isWhitespace) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw FormatError(description: "\(url.lastPathComponent) line \(number + 1) is not a JSON object")
            }
            try body(object, number + 1)
        }
    }
}
