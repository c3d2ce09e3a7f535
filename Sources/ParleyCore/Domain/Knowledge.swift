import Foundation

/// The kinds of knowledge source a tenant can add (seed 004, plus markdown and HTML files).
public enum SourceKind: String, Sendable, Codable, CaseIterable {
    case text, faq, url, pdf, markdown, html
}

/// Where a source is in its life: added, searchable, or refused with a reason.
public enum SourceStatus: String, Sendable, Codable {
    case pending, indexed, failed
}

/// One knowledge source of a tenant: a page, a file, a FAQ, a text. Sources without an
/// agent serve every agent of the tenant; a source with `agentCode` serves that agent only.
public struct KnowledgeSource: Sendable, Equatable, Codable {
    public var id: SourceID
    public var tenantID: TenantID
    public var agentCode: String?
    public var kind: SourceKind
    public var title: String
    public var url: String?
    public var status: SourceStatus
    public var failureReason: String?
    public var contentHash: String?
    public var chunkCount: Int
    public var createdAt: Date
    public var lastIndexedAt: Date?

    public init(id: SourceID = SourceID(), tenantID: TenantID, agentCode: String?, kind: SourceKind, title: String,
                url: String?, status: SourceStatus = .pending, failureReason: String? = nil, contentHash: String? = nil,
                chunkCount: Int = 0, createdAt: Date = Date(), lastIndexedAt: Date? = nil) {
        self.id = id
        self.tenantID = tenantID
        self.agentCode = agentCode
        self.kind = kind
        self.title = title
        self.url = url
        self.status = status
        self.failureReason = failureReason
        self.contentHash = contentHash
        self.chunkCount = chunkCount
        self.createdAt = createdAt
        self.lastIndexedAt = lastIndexedAt
    }
}

/// A searchable piece of a source, with what a citation needs to point back at it.
public struct KnowledgeChunk: Sendable, Equatable {
    public var id: ChunkID
    public var tenantID: TenantID
    public var sourceID: SourceID
    public var agentCode: String?
    public var position: Int
    public var text: String
    public var title: String
    public var url: String?
    public var headingPath: [String]

    public init(id: ChunkID = ChunkID(), tenantID: TenantID, sourceID: SourceID, agentCode: String?, position: Int,
                text: String, title: String, url: String?, headingPath: [String]) {
        self.id = id
        self.tenantID = tenantID
        self.sourceID = sourceID
        self.agentCode = agentCode
        self.position = position
        self.text = text
        self.title = title
        self.url = url
        self.headingPath = headingPath
    }

    /// The question this chunk answers, when its innermost heading is one (a FAQ entry's question,
    /// which FAQ sources head each entry with, or a page section headed by a question), or, for a
    /// chunk without headings, when its title is one (a help-centre article titled by the
    /// question it answers). Retrieval indexes such a chunk by its question as well as its text.
    public var answeredQuestion: String? {
        let candidate = (headingPath.last ?? title).trimmingCharacters(in: .whitespaces)
        return candidate.count > 1 && candidate.hasSuffix("?") ? candidate : nil
    }

    /// Whether a question put to `agent` may see this chunk.
    public func isVisible(to agent: String?) -> Bool {
        Self.isVisible(scope: agentCode, to: agent)
    }

    /// The agent-scope rule every index applies to what it holds: a chunk without an agent is
    /// seen by every agent of its tenant, a chunk of one agent only by that agent.
    public static func isVisible(scope: String?, to agent: String?) -> Bool {
        scope == nil || scope == agent
    }
}

/// A chunk together with its vector (nil when embeddings are off).
public struct StoredChunk: Sendable {
    public var chunk: KnowledgeChunk
    public var vector: EmbeddingVector?

    public init(chunk: KnowledgeChunk, vector: EmbeddingVector?) {
        self.chunk = chunk
        self.vector = vector
    }
}

/// How a question is matched against the knowledge base (seed 003's RAG toggle is `off`).
public enum RetrievalMode: String, Sendable, Codable, CaseIterable, ConfigChoice {
    case hybrid, dense, lexical, off
}

/// How the dense and lexical rankings are combined in hybrid mode.
public enum FusionMethod: String, Sendable, Codable, CaseIterable, ConfigChoice {
    /// Scores on scales that mean the same for every query, weighted sum: the dense cosine as it
    /// is, and BM25 as the share of the score the query's terms could reach at most.
    case absolute
    /// Min-max normalised scores of each list, weighted sum (missing = 0).
    case convex
    /// Reciprocal-rank fusion: sum of 1 / (k + rank).
    case rrf
}

/// What was submitted for a source that is waiting for its ingestion job: kept in the database
/// (not in a process's memory) so that a restart resumes it, and deleted once it is processed.
public struct PendingSourceInput: Sendable, Equatable {
    public enum PayloadKind: String, Sendable { case text, file, web }

    public var sourceID: SourceID
    public var tenantID: TenantID
    public var kind: SourceKind
    public var title: String?
    public var locator: String?
    public var agentCode: String?
    public var payloadKind: PayloadKind
    /// The text (UTF-8), the file's bytes, or the URL (UTF-8).
    public var payload: Data
    public var createdAt: Date

    public init(sourceID: SourceID, tenantID: TenantID, kind: SourceKind, title: String?, locator: String?, agentCode: String?,
                payloadKind: PayloadKind, payload: Data, createdAt: Date = Date()) {
        self.sourceID = sourceID
        self.tenantID = tenantID
        self.kind = kind
        self.title = title
        self.locator = locator
        self.agentCode = agentCode
        self.payloadKind = payloadKind
        self.payload = payload
        self.createdAt = createdAt
    }
}
