import Foundation

/// A WordPiece vocabulary (`vocab.txt`: one token a line, the line number is the id).
public struct Vocabulary: Sendable {
    public let ids: [String: Int32]
    public let tokens: [String]
    public let unknownID: Int32
    public let classifierID: Int32
    public let separatorID: Int32
    public let paddingID: Int32

    public init(tokens: [String]) throws {
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        for (index, token) in tokens.enumerated() where ids[token] == nil {
            ids[token] = Int32(index)
        }
        guard let unknown = ids["[UNK]"], let cls = ids["[CLS]"], let sep = ids["[SEP]"], let pad = ids["[PAD]"] else {
            throw EmbeddingError.invalidModel("vocab.txt lacks one of [UNK], [CLS], [SEP], [PAD]")
        }
        self.ids = ids
        self.tokens = tokens
        unknownID = unknown
        classifierID = cls
        separatorID = sep
        paddingID = pad
    }

    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EmbeddingError.modelNotFound(path)
        }
        var lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        try self.init(tokens: lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 })
    }
}
