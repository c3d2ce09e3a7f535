import Foundation
import ParleyCore

/// One tenant's knowledge sources, bound to the tenant when the request's caller was resolved:
/// list, show, delete, and submit (through the job queue). No method takes a tenant.
public struct TenantSources: Sendable {
    public let tenant: TenantID
    private let submission: SourceSubmission

    public init(tenant: TenantID, submission: SourceSubmission) {
        self.tenant = tenant
        self.submission = submission
    }

    public func list() async throws -> [KnowledgeSource] {
        try await submission.ingestion.store.sources(tenant: tenant)
    }

    public func source(_ id: SourceID) async throws -> KnowledgeSource? {
        try await submission.ingestion.store.source(id, tenant: tenant)
    }

    /// Deletes the source with its chunks and vectors; false when the tenant has no such source.
    public func delete(_ id: SourceID) async throws -> Bool {
        try await submission.ingestion.delete(id, tenant: tenant)
    }

    /// The source's chunks in reading order (nil when the tenant has no such source).
    public func chunks(of id: SourceID) async throws -> [KnowledgeChunk]? {
        guard try await source(id) != nil else { return nil }
        return try await submission.ingestion.store.chunks(of: id, tenant: tenant).map(\.chunk).sorted { $0.position < $1.position }
    }

    /// Reads a web source again (a new crawl through the job queue; unchanged pages change
    /// nothing). Other kinds are refused with `not_refetchable`: their original input is not
    /// kept once indexed, so they are re-read by adding them again. Nil when there is no such source.
    public func reingest(_ id: SourceID) async throws -> SourceSubmission.Submitted? {
        guard let source = try await source(id) else { return nil }
        guard source.kind == .url, let locator = source.url, let url = URL(string: locator) else {
            throw ParleyError(code: "not_refetchable",
                              message: "Only web sources are fetched again; add this \(source.kind.rawValue) source again to replace it.",
                              kind: .conflict)
        }
        return try await submit(SourceInput(kind: .url, title: source.title, locator: locator, agentCode: source.agentCode, payload: .web(url)))
    }

    public func submit(_ input: SourceInput) async throws -> SourceSubmission.Submitted {
        try await submission.submit(input, tenant: tenant)
    }

    public func waitForIngestion(_ submitted: SourceSubmission.Submitted, timeout: Duration) async throws -> KnowledgeSource {
        try await submission.waitForIngestion(submitted, timeout: timeout)
    }
}
