import Foundation
import ParleyCore

/// One message as summaries and e-mails show it: who said it, what, and the sources an answer cited.
public struct TranscriptLine: Sendable, Equatable {
    public struct Source: Sendable, Equatable {
        public var title: String
        /// Only web links (http, https); anything else stored is dropped.
        public var url: String?
    }

    public var role: MessageRole
    public var text: String
    public var sources: [Source]
    public var at: Date
    /// The person of the business who wrote an operator's reply or note.
    public var author: String?

    public init(_ message: StoredMessage) {
        role = message.role
        author = message.metadata["operator"]?["name"]?.stringValue
        text = message.content
        at = message.createdAt
        sources = (message.metadata["citations"]?.arrayValue ?? []).compactMap { item in
            guard let title = item["title"]?.stringValue, !title.isEmpty else { return nil }
            let url = item["url"]?.stringValue.flatMap { $0.hasPrefix("https://") || $0.hasPrefix("http://") ? $0 : nil }
            return Source(title: String(title.prefix(200)), url: url.map { String($0.prefix(2000)) })
        }
    }

    public var speaker: String {
        switch role {
        case .human: "Visitor"
        case .assistant: "Assistant"
        case .system: "System"
        case .operator: author.map { "\($0) (colleague)" } ?? "Colleague"
        case .note: author.map { "Internal note by \($0)" } ?? "Internal note"
        }
    }
}
