import Foundation
import ParleyCore
import Vapor

/// A knowledge source as the API shows it (never its content or hash).
struct SourceResponse: Content {
    var id: String
    var kind: String
    var title: String
    var url: String?
    var agent: String?
    var status: String
    var failureReason: String?
    var chunkCount: Int
    var createdAt: Date
    var lastIndexedAt: Date?

    init(_ source: KnowledgeSource) {
        id = source.id.description
        kind = source.kind.rawValue
        title = source.title
        url = source.url
        agent = source.agentCode
        status = source.status.rawValue
        failureReason = source.failureReason
        chunkCount = source.chunkCount
        createdAt = source.createdAt
        lastIndexedAt = source.lastIndexedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, title, url, agent, status
        case failureReason = "failure_reason", chunkCount = "chunk_count", createdAt = "created_at", lastIndexedAt = "last_indexed_at"
    }
}

struct SourceListResponse: Content {
    var sources: [SourceResponse]
}

/// One passage of a source as retrieval sees it: its text and where it sits in the document.
struct ChunkResponse: Content {
    var id: String
    var position: Int
    var title: String
    var url: String?
    var headingPath: [String]
    var text: String

    init(_ chunk: KnowledgeChunk) {
        id = chunk.id.description
        position = chunk.position
        title = chunk.title
        url = chunk.url
        headingPath = chunk.headingPath
        text = chunk.text
    }

    enum CodingKeys: String, CodingKey {
        case id, position, title, url, text
        case headingPath = "heading_path"
    }
}

struct ChunkListResponse: Content {
    var chunks: [ChunkResponse]
}

/// `POST /api/v1/sources` as JSON: text, Markdown, HTML or a FAQ given inline, or a URL to fetch.
struct SourceRequestBody: Decodable {
    var kind: String
    var title: String?
    var content: String?
    var url: String?
    var agent: String?
    var faq: [FAQItem]?

    struct FAQItem: Codable {
        var question: String
        var answer: String
    }
}

/// `POST /api/v1/sources` as multipart/form-data: a file, with the kind guessed from its name.
struct SourceUploadForm: Content {
    var file: File
    var kind: String?
    var title: String?
    var agent: String?
}
