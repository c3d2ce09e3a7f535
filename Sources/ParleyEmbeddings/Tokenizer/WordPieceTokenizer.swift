import Foundation

/// The BERT WordPiece tokenizer of all-MiniLM-L6-v2: basic tokenization, then greedy
/// longest-match-first word pieces (`##` marks a continuation), `[UNK]` for a word that
/// cannot be split or is longer than 100 characters, and `[CLS] … [SEP]` truncated to
/// `maxLength` pieces in all.
public struct WordPieceTokenizer: Sendable {
    public let vocabulary: Vocabulary
    public let maxLength: Int
    private let basic = BasicTokenizer()
    private static let maxCharactersPerWord = 100

    public init(vocabulary: Vocabulary, maxLength: Int = 256) {
        self.vocabulary = vocabulary
        self.maxLength = maxLength
    }

    /// Token ids as the model sees them: `[CLS]`, at most `maxLength - 2` pieces, `[SEP]`.
    public func encode(_ text: String) -> [Int32] {
        var ids: [Int32] = [vocabulary.classifierID]
        let budget = maxLength - 2
        outer: for word in basic.tokenize(text) {
            for id in pieces(of: word) {
                if ids.count - 1 >= budget { break outer }
                ids.append(id)
            }
        }
        ids.append(vocabulary.separatorID)
        return ids
    }

    /// Word pieces of the whole text, without special tokens or truncation.
    public func pieces(_ text: String) -> [Int32] {
        basic.tokenize(text).flatMap(pieces(of:))
    }

    func pieces(of word: String) -> [Int32] {
        let characters = Array(word.unicodeScalars)
        if characters.count > Self.maxCharactersPerWord { return [vocabulary.unknownID] }
        if let whole = vocabulary.ids[word] { return [whole] }
        var result: [Int32] = []
        var start = 0
        while start < characters.count {
            var end = characters.count
            var found: Int32?
            while start < end {
                var candidate = String(String.UnicodeScalarView(characters[start..<end]))
                if start > 0 { candidate = "##" + candidate }
                if let id = vocabulary.ids[candidate] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else { return [vocabulary.unknownID] }
            result.append(id)
            start = end
        }
        return result
    }
}
