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
    /// Where the tenant's visitors' recent questions come from (nil: the self-queries decide).
    public let questions: (any VisitorQuestionSource)?
    /// Visitors' questions read for a fit at most: enough for a weight steady to about ±0.05
    /// (README, "Knowledge base"), and each costs one query embedding.
    public static let questionLimit = 300

    public init(store: any KnowledgeStore, fits: any DenseWeightFitStore, knowledge: KnowledgeBase, evaluation: SelfEvaluation,
                embeddingGate: EmbeddingGate, questions: (any VisitorQuestionSource)? = nil) {
        self.store = store
        self.fits = fits
        self.knowledge = knowledge
        self.evaluation = evaluation
        self.embeddingGate = embeddingGate
        self.questions = questions
    }

    /// Fits, stores and applies the tenant's weight. `knowledgeChange` is the tenant's newest
    /// change id that the chunks read now include (what the sweep compares against);
    /// `visitorQuestions` are its visitors' recent questions, each with the agent it was asked
    /// of (the weight comes from them when there are enough); nil reads them from `questions`.
    @discardableResult
    public func refit(tenant: TenantID, knowledgeChange: Int64 = 0,
                      visitorQuestions: [(text: String, agentCode: String)]? = nil) async throws -> DenseWeightFit {
        let chunks = try await store.indexedChunks(tenant: tenant)
        var read = visitorQuestions ?? []
        if visitorQuestions == nil, let questions { read = try await questions.recentVisitorQuestions(tenant: tenant, limit: Self.questionLimit) }
        let visitorQuestions = read.filter { Self.isQuestionLike($0.text) }
        let fit = try await embeddingGate.run { [evaluation, chunks, knowledge] in
            let margins = try await knowledge.decisiveness(of: visitorQuestions, tenant: tenant)
            return try await evaluation.fitDenseWeight(chunks, visitorMargins: margins)
        }
        try await fits.saveFit(StoredDenseWeightFit(tenantID: tenant, fit: fit, knowledgeChange: knowledgeChange, fittedAt: Date()))
        await knowledge.apply(fit, tenant: tenant)
        return fit
    }
}

extension DenseWeightFitter {
    /// Whether a visitor's message can say something about retrieval: greetings, thanks and
    /// one-word replies ("yes", an e-mail address) ask nothing of the knowledge base, and a long
    /// paste is not a question a visitor types.
    public static func isQuestionLike(_ text: String) -> Bool {
        text.utf8.count <= 1_000 && text.split(whereSeparator: { $0.isWhitespace }).count >= 3
    }
}

extension KnowledgeBase {
    /// Uses a fitted weight; any other outcome (or a fit stored by an older version, measured
    /// otherwise) goes back to the configured weight.
    public func apply(_ fit: DenseWeightFit, tenant: TenantID) {
        setDenseWeight(fit.isUsable ? fit.denseWeight : nil, tenant: tenant)
    }
}
