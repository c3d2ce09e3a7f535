import Foundation
import Logging
import ParleyCore
import ParleyJobs

/// Refits one tenant's dense weight (`DenseWeightFitter`). Running it twice only measures twice.
public struct FitDenseWeightJob: JobHandler {
    public struct Payload: Codable, Sendable {
        /// The tenant's newest knowledge change when the sweep queued the job.
        public var knowledgeChange: Int64

        public init(knowledgeChange: Int64) { self.knowledgeChange = knowledgeChange }

        enum CodingKeys: String, CodingKey { case knowledgeChange = "knowledge_change" }
    }

    public static let kind: JobKind = "retrieval.fit"
    let fitter: DenseWeightFitter

    public init(fitter: DenseWeightFitter) {
        self.fitter = fitter
    }

    public func run(_ payload: Payload, context: JobContext) async throws {
        guard let tenant = context.tenantID else { throw PermanentJobFailure("a retrieval fit must name its tenant") }
        let fit = try await fitter.refit(tenant: tenant, knowledgeChange: payload.knowledgeChange)
        context.logger.info("dense weight fitted", metadata: [
            "event": "retrieval_fitted", "outcome": "\(fit.outcome.rawValue)", "dense_weight": "\(fit.denseWeight)",
            "basis": "\(fit.basis?.rawValue ?? "none")", "visitor_questions": "\(fit.visitorQuestions ?? 0)",
            "self_queries": "\(fit.selfQueries)", "indexed_chunks": "\(fit.indexedChunks)",
        ])
    }
}

/// Once a minute, queues a fit for every tenant whose sources changed since its last fit. A
/// burst of changes (a crawl of many pages) waits for the next sweep and is fitted once; the
/// job's key names the tenant's newest change, so the same state is never queued twice. It also
/// queues, at most once a day per tenant, a fit for a tenant whose visitors wrote since its fit
/// was a day old (the weight follows their questions), and one for a tenant with chunks but no
/// fit.
public struct DenseWeightSweep: PeriodicWork {
    public static let jobKind: JobKind = "retrieval.fit_sweep"
    public static let period: Duration = .seconds(60)

    private let fits: any DenseWeightFitStore
    private let jobs: JobQueue

    public init(fits: any DenseWeightFitStore, jobs: JobQueue) {
        self.fits = fits
        self.jobs = jobs
    }

    /// How old a fit must be before visitors' new questions refit it.
    public static let visitorRefitAge: TimeInterval = 86_400

    @discardableResult
    public func run(now: Date = Date()) async throws -> Int {
        var queued = 0
        for (tenant, change) in try await fits.tenantsToRefit(limit: 500) {
            if try await jobs.enqueue(FitDenseWeightJob.self, .init(knowledgeChange: change), tenant: tenant, priority: -2,
                                      dedupeKey: "\(FitDenseWeightJob.kind.name):\(tenant):\(change)") != nil { queued += 1 }
        }
        // The day's number in the key: one such fit per tenant and day, however often the sweep runs.
        let day = Int(now.timeIntervalSince1970 / Self.visitorRefitAge)
        for (tenant, change) in try await fits.tenantsDueForVisitors(now: now, refitAge: Self.visitorRefitAge, limit: 500) {
            if try await jobs.enqueue(FitDenseWeightJob.self, .init(knowledgeChange: change), tenant: tenant, priority: -2,
                                      dedupeKey: "\(FitDenseWeightJob.kind.name):\(tenant):visitors:\(day)") != nil { queued += 1 }
        }
        return queued
    }
}
