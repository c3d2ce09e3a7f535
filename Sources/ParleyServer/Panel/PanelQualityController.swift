import Fluent
import Foundation
import ParleyAccounts
import ParleyCore
import ParleyIngest
import ParleyJobs
import ParleyRetrieval
import Vapor

/// Retrieval quality in the panel: `/admin/t/{slug}/quality` shows the tenant's latest
/// self-evaluation (each mode's nDCG@10 with its interval on the knowledge base's own FAQ
/// questions, headings and titles) and the dense weight its hybrid retrieval uses, with the curve
/// it was fitted from; operators ask for a new measurement, which a background job makes.
struct PanelQualityController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let tenant = PanelRoutes(routes).tenant
        tenant.grouped(AdminTenantMiddleware(needs: .viewer)).get("quality", use: show)
        tenant.grouped(AdminTenantMiddleware(needs: .operator)).on(.POST, "quality", "measure", body: .collect(maxSize: PanelRoutes.formBytes),
                                                                    use: measure)
    }

    struct Figure: Encodable {
        var label: String
        var value: String
        var low: String?
        var high: String?
        /// The value as a bar's width in percent.
        var width: Int
    }

    struct ModeRow: Encodable {
        var mode: String
        var ndcg: Figure
        var mrr: String
        var recall: String
        var kinds: [Figure]
    }

    struct Weight: Encodable {
        var value: String
        var explanation: String
        var fittedAt: String?
        var curve: [Figure]
    }

    struct Page: Encodable {
        var slug: String
        var canMeasure: Bool
        var measuring: Bool
        var measuredAt: String?
        var summary: String?
        var modes: [ModeRow]
        var verdicts: [String]
        var fewQueries: Bool
        var weight: Weight?
    }

    func show(_ request: Request) async throws -> Response {
        let (tenant, role) = try await request.adminTenant(needs: .viewer)
        let services = request.application.parley
        let database = request.db(.parley)
        let stored = try await services.retrievalReports(on: database).report(tenant: tenant.id)
        let fit = try await services.denseWeightFits(on: database)?.fit(tenant: tenant.id)
        let measuring = try await services.jobs.store.unfinished(kind: MeasureRetrievalJob.kind, tenant: tenant.id) > 0
        let chrome = try await request.panelChrome(title: "Retrieval quality", tenant: (tenant, role), section: "quality")
        return try await request.panel("quality", chrome, Self.page(slug: tenant.slug, canMeasure: role.includes(.operator), measuring: measuring,
                                                                    stored: stored, fit: fit, configured: services.config.retrieval.convexAlpha))
    }

    func measure(_ request: Request) async throws -> Response {
        try PanelForm.requireToken(request)
        let (tenant, _) = try await request.adminTenant(needs: .operator)
        _ = try await request.application.parley.jobs.enqueue(MeasureRetrievalJob.self, .init(), tenant: tenant.id, priority: -1,
                                                              dedupeKey: MeasureRetrievalJob.dedupeKey(tenant: tenant.id, at: Date()))
        return request.redirect(to: "/admin/t/\(tenant.slug)/quality?done=measure_queued")
    }

    static func page(slug: String, canMeasure: Bool, measuring: Bool, stored: StoredRetrievalQualityReport?, fit: StoredDenseWeightFit?,
                     configured: Double) -> Page {
        func points(_ share: Double) -> String { String(format: "%.1f", share * 100) }
        func figure(_ label: String, _ share: Double, low: Double? = nil, high: Double? = nil) -> Figure {
            Figure(label: label, value: points(share), low: low.map(points), high: high.map(points), width: Int((min(max(share, 0), 1) * 100).rounded()))
        }
        var page = Page(slug: slug, canMeasure: canMeasure, measuring: measuring, modes: [], verdicts: [], fewQueries: false)
        if let stored {
            let report = stored.report
            page.measuredAt = PanelFormat.time(stored.measuredAt)
            let kinds = ["question", "heading", "title"].compactMap { kind in report.queries[kind].map { "\($0) \(kind)s" } }.joined(separator: ", ")
            let sample = report.indexedChunks < report.chunks ? " (a sample of \(report.indexedChunks) measured)" : ""
            page.summary = "\(report.chunks) passages\(sample), \(report.queryCount) self-queries: \(kinds)."
            page.fewQueries = report.queryCount < 30
            page.modes = report.modes.map { mode in
                ModeRow(mode: mode.mode.rawValue, ndcg: figure("nDCG@10", mode.ndcgAt10.mean, low: mode.ndcgAt10.low, high: mode.ndcgAt10.high),
                        mrr: points(mode.mrrAt10), recall: points(mode.recallAt10),
                        kinds: ["question", "heading", "title"].compactMap { kind in mode.ndcgByKind[kind].map { figure(kind + "s", $0) } })
            }
            page.verdicts = report.differences.map { difference in
                let interval = difference.nDCGAt10
                return "\(difference.better.rawValue) beats \(difference.other.rawValue) by \(String(format: "%+.1f", interval.mean * 100)) points "
                    + "[\(String(format: "%+.1f", interval.low * 100)), \(String(format: "%+.1f", interval.high * 100))]: "
                    + (difference.beyondNoise ? "a real difference." : "within noise.")
            }
        }
        if let fit {
            // A fit by visitors' questions measures no curve; the latest report's shows the self-queries'.
            let curve = fit.fit.curve.isEmpty ? stored?.report.fit?.curve ?? [] : fit.fit.curve
            page.weight = Weight(value: fit.fit.isUsable ? String(format: "%.2f", fit.fit.denseWeight) : String(format: "%.1f", configured),
                                 explanation: explanation(fit.fit, configured: configured), fittedAt: PanelFormat.time(fit.fittedAt),
                                 curve: curve.map { figure(String(format: "%.1f", $0.alpha), $0.ndcgAt10) })
        } else if let fitted = stored?.report.fit {
            page.weight = Weight(value: String(format: "%.1f", configured), explanation: "The configured weight: no fit is stored yet.",
                                 curve: fitted.curve.map { figure(String(format: "%.1f", $0.alpha), $0.ndcgAt10) })
        }
        return page
    }

    static func explanation(_ fit: DenseWeightFit, configured: Double) -> String {
        switch fit.outcome {
        case .fitted where fit.basis == nil:
            "The configured weight, \(String(format: "%.1f", configured)): the stored fit was measured by an earlier version and is redone at the tenant's next fit."
        case .fitted:
            "Fitted to this knowledge base: how decisively each retriever picked an answer for "
                + (fit.basis == .visitorQuestions ? "\(fit.visitorQuestions ?? 0) of its visitors' recent questions" : "its \(fit.selfQueries) self-queries")
                + (fit.weightRange.flatMap { $0.count == 2 ? String(format: " (90%% of resamples: %.2f to %.2f)", $0[0], $0[1]) : nil } ?? "") + "."
                + (DecisivenessWeight.ranksDenseAlone(fit.denseWeight)
                    ? " The semantic ranking is used alone: it picked answers at least \(DecisivenessWeight.denseAloneRatio) times as decisively as the keyword one." : "")
        case .tooFewQueries:
            "The configured weight: \(fit.selfQueries) self-queries and \(fit.visitorQuestions ?? 0) visitors' questions are too few to fit one (it takes \(DenseWeightFit.minimumQueries) self-queries or \(DenseWeightFit.minimumVisitorQuestions) questions)."
        case .notApplicable:
            "The configured weight: this knowledge base has no dense retrieval."
        }
    }
}
