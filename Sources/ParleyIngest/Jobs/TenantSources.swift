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

    public func submit(_ input: SourceInput) async throws -> SourceSubmission.Submitted {
        try await submission.submit(input, tenant: tenant)
    }

    public func waitForIngestion(_ submitted: SourceSubmission.Submitted, timeout: Duration) async throws -> KnowledgeSource {
        try await submission.waitForIngestion(submitted, timeout: timeout)
    }
}
