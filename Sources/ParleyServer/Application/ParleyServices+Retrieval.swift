import FluentKit
import Foundation
import ParleyCore
import ParleyIngest
import ParleyJobs
import ParleyRetrieval
import ParleyStore

extension ParleyServices {
    /// Whether tenants' dense weights are fitted and used: with dense retrieval, a weighted
    /// fusion and `retrieval.fit_dense_weight`.
    public var fitsDenseWeights: Bool {
        knowledge.canEmbed && config.retrieval.fitDenseWeight && config.retrieval.fusion != .rrf
    }

    /// The tenants' fitted dense weights on one database handle (nil when weights are not fitted).
    public func denseWeightFits(on database: any Database) -> (any DenseWeightFitStore)? {
        fitsDenseWeights ? try? SQLDenseWeightFits(database: database) : nil
    }

    /// Fits tenants' dense weights on one database handle (nil when weights are not fitted).
    public func denseWeightFitter(on database: any Database) -> DenseWeightFitter? {
        guard let fits = denseWeightFits(on: database) else { return nil }
        return DenseWeightFitter(store: ingestion.store, fits: fits, knowledge: knowledge, evaluation: selfEvaluation(resamples: 0),
                                 embeddingGate: ingestion.embeddingGate, questions: try? SQLVisitorQuestions(database: database))
    }

    /// Each tenant's latest self-evaluation, on one database handle.
    public func retrievalReports(on database: any Database) throws -> any RetrievalQualityReportStore {
        try SQLRetrievalQualityReports(database: database)
    }

    /// The self-evaluation every tenant's panel can ask for, on one database handle.
    public func retrievalMeasurement(on database: any Database) throws -> RetrievalQualityMeasurement {
        RetrievalQualityMeasurement(store: ingestion.store, reports: try retrievalReports(on: database),
                                    evaluation: selfEvaluation(), embeddingGate: ingestion.embeddingGate)
    }

    /// The self-evaluation as the fit and the panel run it: at most `retrieval.fit_sample_chunks` chunks.
    func selfEvaluation(resamples: Int = 1000) -> SelfEvaluation {
        SelfEvaluation(embedder: knowledge.canEmbed ? embedder : nil, settings: knowledge.settings, resamples: resamples,
                       chunkLimit: max(100, config.retrieval.fitSampleChunks))
    }

    /// The measurement job, and the refit job and its sweep when weights are fitted.
    func registerRetrievalJobs(in registry: inout JobRegistry, on database: any Database) {
        if let measurement = try? retrievalMeasurement(on: database) { registry.register(MeasureRetrievalJob(measurement: measurement)) }
        guard let fitter = denseWeightFitter(on: database) else { return }
        registry.register(FitDenseWeightJob(fitter: fitter))
        registry.register(PeriodicJob(DenseWeightSweep(fits: fitter.fits, jobs: jobs)))
    }

    /// The sweep's recurring declaration, when weights are fitted.
    var denseWeightRecurringJobs: [RecurringJob] {
        fitsDenseWeights ? [PeriodicJob<DenseWeightSweep>.recurring] : []
    }

    /// Keeps this process's in-memory indexes and fitted weights in step with changes made by any process.
    public func indexFollower(on database: any Database) -> IndexFollower {
        IndexFollower(store: ingestion.store, knowledge: knowledge, cursor: knowledgeCursor, fits: denseWeightFits(on: database))
    }

    /// Loads every stored fit into the knowledge base (at start); returns how many.
    func loadDenseWeights(on database: any Database) async throws -> Int {
        guard let fits = denseWeightFits(on: database) else { return 0 }
        let stored = try await fits.fits(since: .distantPast, limit: 1_000_000)
        for item in stored { await knowledge.apply(item.fit, tenant: item.tenantID) }
        return stored.count
    }
}
