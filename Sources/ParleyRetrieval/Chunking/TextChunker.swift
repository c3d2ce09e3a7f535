import Foundation

/// A chunk of a document before it is stored: text plus where it came from.
public struct TextChunk: Sendable, Equatable {
    public var text: String
    public var headingPath: [String]
    /// Zero-based position of the chunk in its document.
    public var position: Int
    /// Estimated tokens (see `TextChunker.estimatedTokens`).
    public var tokens: Int
}

/// Cuts documents into overlapping chunks of about `targetTokens` tokens (seed 000: 500 with
/// 50 overlap), breaking at paragraph and then sentence boundaries, never across sections.
/// Only a sentence longer than a whole chunk is cut inside, at word boundaries.
public struct TextChunker: Sendable, Equatable {
    public var targetTokens: Int
    public var overlapTokens: Int

    public init(targetTokens: Int = 500, overlapTokens: Int = 50) {
        self.targetTokens = max(targetTokens, 1)
        self.overlapTokens = min(max(overlapTokens, 0), max(targetTokens, 1) / 2)
    }

    /// One chunk per document (for evaluations that index documents whole).
    public static let wholeDocuments = TextChunker(targetTokens: Int.max / 4, overlapTokens: 0)

    /// A cheap estimate of model tokens: words count once, and long words and punctuation add
    /// roughly what WordPiece tokenisers split them into.
    public static func estimatedTokens(_ text: some StringProtocol) -> Int {
        var tokens = 0
        for word in text.split(whereSeparator: { $0.isWhitespace }) {
            let letters = word.filter { $0.isLetter || $0.isNumber }.count
            let marks = word.count - letters
            tokens += max(1, (letters + 5) / 6) + marks
        }
        return tokens
    }

    private struct Unit {
        var text: String
        var tokens: Int
        var startsParagraph: Bool
    }

    public func chunks(of document: ExtractedDocument) -> [TextChunk] {
        var result: [TextChunk] = []
        for section in document.sections {
            for text in chunkTexts(units(of: section.paragraphs)) {
                result.append(TextChunk(text: text.text, headingPath: section.headingPath, position: result.count, tokens: text.tokens))
            }
        }
        return result
    }

    private func units(of paragraphs: [String]) -> [Unit] {
        var units: [Unit] = []
        for paragraph in paragraphs where !paragraph.isEmpty {
            let whole = Self.estimatedTokens(paragraph)
            let sentences = whole <= targetTokens ? [paragraph] : SentenceSplitter.sentences(paragraph)
            var first = true
            for sentence in sentences {
                for piece in splitOverlong(sentence) {
                    units.append(Unit(text: piece.text, tokens: piece.tokens, startsParagraph: first))
                    first = false
                }
            }
        }
        return units
    }

    /// Word windows for a sentence longer than a chunk; the sentence itself otherwise.
    private func splitOverlong(_ sentence: String) -> [(text: String, tokens: Int)] {
        let tokens = Self.estimatedTokens(sentence)
        guard tokens > targetTokens else { return [(sentence, tokens)] }
        var pieces: [(String, Int)] = []
        var words: [Substring] = []
        var count = 0
        for word in sentence.split(whereSeparator: { $0.isWhitespace }) {
            let cost = Self.estimatedTokens(word)
            if count + cost > targetTokens, !words.isEmpty {
                pieces.append((words.joined(separator: " "), count))
                words = []
                count = 0
            }
            words.append(word)
            count += cost
        }
        if !words.isEmpty { pieces.append((words.joined(separator: " "), count)) }
        return pieces
    }

    private func chunkTexts(_ units: [Unit]) -> [(text: String, tokens: Int)] {
        var chunks: [(String, Int)] = []
        var current: [Unit] = []
        var currentTokens = 0
        var newSinceLastChunk = false

        func render(_ units: [Unit]) -> String {
            var text = ""
            for (index, unit) in units.enumerated() {
                if index > 0 { text += unit.startsParagraph ? "\n\n" : " " }
                text += unit.text
            }
            return text
        }

        for unit in units {
            if currentTokens + unit.tokens > targetTokens, newSinceLastChunk {
                chunks.append((render(current), currentTokens))
                // Carry the tail of this chunk (whole sentences, within the overlap) into the next.
                var carried: [Unit] = []
                var carriedTokens = 0
                for previous in current.reversed() {
                    guard carriedTokens + previous.tokens <= overlapTokens,
                          carriedTokens + previous.tokens + unit.tokens <= targetTokens else { break }
                    carried.insert(previous, at: 0)
                    carriedTokens += previous.tokens
                }
                current = carried
                currentTokens = carriedTokens
                newSinceLastChunk = false
            }
            current.append(unit)
            currentTokens += unit.tokens
            newSinceLastChunk = true
        }
        if newSinceLastChunk { chunks.append((render(current), currentTokens)) }
        return chunks
    }
}
