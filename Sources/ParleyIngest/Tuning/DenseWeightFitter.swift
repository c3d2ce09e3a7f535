import Foundation
import ParleyCore
import ParleyRetrieval

/// Fits a tenant's dense weight to its own content and puts it to use: reads the tenant's
/// indexed chunks, measures hybrid retrieval on their self-queries under each weight
/// (`SelfEvaluation.fitDenseWeight`), stores the choice (`retrieval_fits`, which other processes
/// follow) and hands it to this process's knowledge base.
public struct DenseWeightFitter: Sendable {
    public let store: any KnowledgeStore
    public let fits: any DenseWeightFitStore
    public let knowledge: KnowledgeBase
    public let evaluation: SelfEvaluation
    /// Shared with ingestion, so that a fit never embeds beside a source (both use every core).
    public let embeddingGate: EmbeddingGate

    public init(store: any KnowledgeStore, fits: any DenseWeightFitStore, knowledge: KnowledgeBase, evaluation: SelfEvaluation,
                embeddingGate: EmbeddingGate) {
        self.store = store
        self.fits = fits
        self.knowledge = knowledge
        self.evaluation = evaluation
        self.embeddingGate = embeddingGate
    }

    /// Fits, stores and applies the tenant's weight. `knowledgeChange` is the tenant's newest
    /// change id that the chunks read now include (what the sweep compares against).
    @discardableResult
    public func refit(tenant: TenantID, knowledgeChange: Int64 = 0) async throws -> DenseWeightFit {
        let chunks = try await store.indexedChunks(tenant: tenant)
        let fit = try await embeddingGate.run { [evaluation, chunks] in try await evaluation.fitDenseWeight(chunks) }
        try await fits.saveFit(StoredDenseWeightFit(tenantID: tenant, fit: fit, knowledgeChange: knowledgeChange, fittedAt: Date()))
        await knowledge.apply(fit, tenant: tenant)
        return fit
    }
}

extension KnowledgeBase {
    /// Uses a fitted weight; any other outcome goes back to the configured weight.
    public func apply(_ fit: DenseWeightFit, tenant: TenantID) {
        setDenseWeight(fit.outcome == .fitted ? fit.denseWeight : nil, tenant: tenant)
    }
}
