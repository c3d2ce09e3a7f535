import Foundation
import ParleyCore
import ParleyRetrieval

/// What someone asked to add to a knowledge base, before it is read.
public struct SourceInput: Sendable {
    public enum Payload: Sendable {
        /// Text typed or pasted (kind `text`, `markdown`, `html` or `faq`).
        case text(String)
        /// An uploaded or local file's bytes.
        case file(Data)
        /// A web page to fetch (and crawl from).
        case web(URL)
    }

    public var kind: SourceKind
    /// Shown in citations; when nil, the document's own title (or the file name) is used.
    public var title: String?
    /// The URL or file name; adding the same locator again re-ingests that source.
    public var locator: String?
    /// Only this agent may use the source (nil: every agent of the tenant).
    public var agentCode: String?
    public var payload: Payload

    public init(kind: SourceKind, title: String? = nil, locator: String? = nil, agentCode: String? = nil, payload: Payload) {
        self.kind = kind
        self.title = title
        self.locator = locator
        self.agentCode = agentCode
        self.payload = payload
    }

    /// The bytes the input takes while it waits to be ingested (as `source_inputs` stores it).
    public var payloadBytes: Int {
        switch payload {
        case let .text(text): text.utf8.count
        case let .file(data): data.count
        case let .web(url): url.absoluteString.utf8.count
        }
    }

    /// The source kind a file name suggests (`.pdf`, `.md`, `.html`, `.csv`/`.json` FAQ, otherwise text).
    public static func kind(forFileName name: String) -> SourceKind {
        switch (name as NSString).pathExtension.lowercased() {
        case "pdf": .pdf
        case "md", "markdown": .markdown
        case "html", "htm", "xhtml": .html
        case "csv", "json": .faq
        default: .text
        }
    }
}

/// One readable document a source yielded (a crawl yields one per page).
public struct LoadedPage: Sendable, Equatable {
    public var title: String
    public var url: String?
    public var document: ExtractedDocument

    public init(title: String, url: String?, document: ExtractedDocument) {
        self.title = title
        self.url = url
        self.document = document
    }
}

/// Why a source could not be read; `reason` is stored on the source and shown to its owner.
public struct IngestionFailure: Error, Equatable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}
