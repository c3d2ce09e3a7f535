import Foundation

/// What a chat turn asks the knowledge base.
public struct RetrievalQuery: Sendable {
    public var tenantID: TenantID
    public var agentCode: String
    public var text: String
    public var topK: Int
    /// The agent's retrieval mode (`off` finds nothing).
    public var mode: RetrievalMode
    /// Passages scoring below this are dropped (scores are those of the mode: fused, cosine or BM25).
    public var minScore: Double

    public init(tenantID: TenantID, agentCode: String, text: String, topK: Int, mode: RetrievalMode = .hybrid, minScore: Double = 0) {
        self.tenantID = tenantID
        self.agentCode = agentCode
        self.text = text
        self.topK = topK
        self.mode = mode
        self.minScore = minScore
    }
}

/// Finds the passages of one tenant's knowledge base that bear on a question.
/// Implementations must never return another tenant's passages.
public protocol Retriever: Sendable {
    func retrieve(_ query: RetrievalQuery) async throws -> [SourcePassage]
    /// Short name for `/health` and logs.
    var name: String { get }
}

/// The retriever used while a tenant has no knowledge base configured: it finds nothing.
public struct NoRetriever: Retriever {
    public init() {}
    public var name: String { "none" }
    public func retrieve(_ query: RetrievalQuery) async throws -> [SourcePassage] { [] }
}
