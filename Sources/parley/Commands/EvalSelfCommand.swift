import ArgumentParser
import Fluent
import Foundation
import ParleyCore
import ParleyIngest
import ParleyRetrieval
import ParleyServer

/// `parley eval self --tenant SLUG`: how well retrieval works on a tenant's own content, with the
/// questions it asks itself (FAQ questions, headings, titles) and the answers it holds.
struct EvalSelfCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "self",
        abstract: "Retrieval quality on a tenant's own knowledge base, from its FAQ questions, headings and titles.",
        discussion: """
            Each FAQ question, section heading and source title that names one place becomes a query whose \
            answers are that place's chunks. The chunks are indexed without titles, headings and FAQ questions \
            (in a scratch index, re-embedded with the configured embedder), so each query must find its answer \
            by the answer's own words. Prints nDCG@10, MRR@10 and Recall@10 per retrieval mode, overall and per \
            kind of query, with 95% bootstrap intervals.
            """)

    @OptionGroup var global: GlobalOptions

    @ArgumentParser.Option(help: "Slug of the tenant (see `parley tenant list`).")
    var tenant: String

    @ArgumentParser.Option(help: "Queries of each kind at most (1-5000).")
    var perKind = 200

    func validate() throws {
        guard (1 ... 5000).contains(perKind) else { throw ValidationError("--per-kind must be between 1 and 5000") }
    }

    func run() async throws {
        let loaded = try Runtime.loadConfiguration(global)
        try Runtime.bootstrapLogging(loaded, stdout: false)
        let (report, inUse) = try await Runtime.withApplication(loaded) { app -> (SelfEvaluationReport, StoredDenseWeightFit?) in
            let services = app.parley
            let stores = services.stores(on: app.db(.parley))
            guard let target = try await stores.tenants.tenant(slug: tenant) else {
                throw ValidationError("no tenant has the slug '\(tenant)' (see `parley tenant list`)")
            }
            let chunks = try await services.ingestion.store.indexedChunks(tenant: target.id)
            guard !chunks.isEmpty else { throw ValidationError("tenant '\(tenant)' has no indexed chunks") }
            let evaluation = SelfEvaluation(embedder: services.knowledge.canEmbed ? services.embedder : nil,
                                            settings: services.knowledge.settings, queriesPerKind: perKind)
            let progress = ProgressBar(total: chunks.count, label: "index")
            let report = try await evaluation.run(chunks) { done, _ in progress.update(done) }
            progress.finish()
            return (report, try await services.denseWeightFits(on: app.db(.parley))?.fit(tenant: target.id))
        }
        print(SelfEvaluationText.render(report, tenant: tenant))
        if let inUse {
            let when = inUse.fittedAt.formatted(.iso8601)
            print("  in use (the background fit of \(when)): \(SelfEvaluationText.describe(inUse.fit))")
        }
    }
}
