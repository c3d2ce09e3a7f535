import Foundation
import ParleyCore

/// A question a knowledge base can ask itself, with the chunks that answer it.
public struct SelfQuery: Sendable, Equatable {
    /// Where the question came from; the report gives figures per kind.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        /// A FAQ entry's question (a heading that ends with a question mark).
        case question
        /// Any other section heading.
        case heading
        /// A source's title.
        case title
    }

    public var kind: Kind
    public var text: String
    public var relevant: Set<ChunkID>
}

/// Finds a tenant's self-queries (FAQ questions, headings, titles) and makes the answer-only
/// version of its chunks that they are run against.
///
/// A heading finds its own section trivially if the section still carries it, so every chunk of
/// the evaluation index loses its title, its headings and a FAQ entry's leading question: the
/// questions then have to be matched against the answers alone, as a visitor's question is. A
/// text that names two places (two sections called "Overview") has no single answer and is left
/// out, as are titles that are file names or addresses.
public enum SelfQueries {
    /// The self-queries of `chunks`, at most `limit` of each kind, chosen in a fixed pseudo-random
    /// order (the same chunks always give the same queries).
    public static func make(from chunks: [KnowledgeChunk], limit: Int) -> [SelfQuery] {
        var places: [SelfQuery.Kind: [String: (text: String, place: String, chunks: Set<ChunkID>)]] = [:]
        var ambiguous: Set<String> = []
        func note(_ kind: SelfQuery.Kind, _ text: String, place: String, chunk: ChunkID) {
            let key = normalised(text)
            guard key.count >= 3, !ambiguous.contains("\(kind)|\(key)") else { return }
            if let known = places[kind]?[key], known.place != place {
                places[kind]?[key] = nil
                ambiguous.insert("\(kind)|\(key)")
                return
            }
            places[kind, default: [:]][key, default: (text, place, [])].chunks.insert(chunk)
        }
        for chunk in chunks {
            if let heading = chunk.headingPath.last {
                let place = "\(chunk.sourceID)|\(chunk.headingPath.joined(separator: "\u{1F}"))"
                note(chunk.answeredQuestion != nil ? .question : .heading, heading, place: place, chunk: chunk.id)
            }
            if isNaturalTitle(chunk.title, url: chunk.url) {
                note(.title, chunk.title, place: chunk.sourceID.description, chunk: chunk.id)
            }
        }
        var queries: [SelfQuery] = []
        for kind in SelfQuery.Kind.allCases {
            let found = (places[kind] ?? [:]).sorted { $0.key < $1.key }
                .map { SelfQuery(kind: kind, text: $0.value.text, relevant: $0.value.chunks) }
            var random = SplitMix64(seed: 19)
            queries += found.shuffled(using: &random).prefix(max(limit, 0))
        }
        return queries
    }

    /// The chunk as the evaluation indexes it: no title, no headings, and without a FAQ entry's
    /// question at the start of its text.
    public static func answerOnly(_ chunk: KnowledgeChunk) -> KnowledgeChunk {
        var stripped = chunk
        var text = chunk.text
        if let heading = chunk.answeredQuestion {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.hasPrefix(heading) { text = String(trimmed.dropFirst(heading.count)) }
        }
        stripped.text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        stripped.title = ""
        stripped.headingPath = []
        stripped.agentCode = nil
        return stripped
    }

    /// A title a person would type: not a file name (`prices.pdf`) nor an address.
    static func isNaturalTitle(_ title: String, url: String?) -> Bool {
        let trimmed = title.trimmingCharacters(in: .whitespaces)
        guard trimmed.count >= 3, trimmed != url, !trimmed.contains("://"), !trimmed.contains("/") else { return false }
        let fileName = trimmed.range(of: #"\.[A-Za-z0-9]{2,5}$"#, options: .regularExpression) != nil && !trimmed.contains(" ")
        return !fileName
    }

    static func normalised(_ text: String) -> String {
        text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
