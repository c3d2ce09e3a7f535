import Foundation

/// What a chat turn asks the knowledge base.
public struct RetrievalQuery: Sendable {
    public var tenantID: TenantID
    public var agentCode: String
    public var text: String
    public var topK: Int

    public init(tenantID: TenantID, agentCode: String, text: String, topK: Int) {
        self.tenantID = tenantID
        self.agentCode = agentCode
        self.text = text
        self.topK = topK
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
