import Foundation
import ParleyCore
import ParleyJobs
import ParleyRetrieval

/// Measures a tenant's retrieval on its own content (`SelfEvaluation`) and stores the report for
/// the admin panel. It only reports: the weight in use is the background fit's.
public struct RetrievalQualityMeasurement: Sendable {
    public let store: any KnowledgeStore
    public let reports: any RetrievalQualityReportStore
    public let evaluation: SelfEvaluation
    public let embeddingGate: EmbeddingGate

    public init(store: any KnowledgeStore, reports: any RetrievalQualityReportStore, evaluation: SelfEvaluation, embeddingGate: EmbeddingGate) {
        self.store = store
        self.reports = reports
        self.evaluation = evaluation
        self.embeddingGate = embeddingGate
    }

    @discardableResult
    public func measure(tenant: TenantID) async throws -> RetrievalQualityReport {
        let chunks = try await store.indexedChunks(tenant: tenant)
        let report = try await embeddingGate.run { [evaluation] in try await evaluation.run(chunks).summary }
        try await reports.saveReport(StoredRetrievalQualityReport(tenantID: tenant, report: report, measuredAt: Date()))
        return report
    }
}

/// Runs `RetrievalQualityMeasurement` for the job's tenant (the panel's "Measure now").
public struct MeasureRetrievalJob: JobHandler {
    public struct Payload: Codable, Sendable {
        public init() {}
    }

    public static let kind: JobKind = "retrieval.measure"
    let measurement: RetrievalQualityMeasurement

    public init(measurement: RetrievalQualityMeasurement) {
        self.measurement = measurement
    }

    public func run(_ payload: Payload, context: JobContext) async throws {
        guard let tenant = context.tenantID else { throw PermanentJobFailure("a retrieval measurement must name its tenant") }
        try await measurement.measure(tenant: tenant)
    }

    /// One measurement per tenant at a time: the key names the tenant and the minute.
    public static func dedupeKey(tenant: TenantID, at date: Date) -> String {
        "\(kind.name):\(tenant):\(Int(date.timeIntervalSince1970 / 60))"
    }
}

extension KnowledgeStore {
    /// Every chunk of the tenant's indexed sources.
    public func indexedChunks(tenant: TenantID) async throws -> [KnowledgeChunk] {
        var chunks: [KnowledgeChunk] = []
        for source in try await sources(tenant: tenant) where source.status == .indexed {
            chunks += try await self.chunks(of: source.id, tenant: tenant).map(\.chunk)
        }
        return chunks
    }
}
