import ArgumentParser
import Fluent
import Foundation
import ParleyChat
import ParleyCore
import ParleyIngest
import ParleyRetrieval
import ParleyServer
import Vapor

/// `parley eval beir DIR`: retrieval quality on a BEIR-format dataset, through the production
/// ingestion (SQLite, chunking, embedding, indexing) and retrieval code.
struct EvalBEIRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "beir",
        abstract: "nDCG@10, Recall@100 and MRR@10 (trec_eval definitions) on a BEIR-format folder.",
        discussion: "Documents are ingested as text sources of a scratch tenant in a temporary SQLite database, whole unless --chunk is given; fusion settings come from the configuration (retrieval.*).")

    @OptionGroup var global: GlobalOptions

    @ArgumentParser.Argument(help: "Folder with corpus.jsonl, queries.jsonl and qrels/test.tsv.")
    var folder: String

    @ArgumentParser.Option(help: "hybrid, dense or lexical.")
    var mode: String = "hybrid"

    @ArgumentParser.Flag(help: "Chunk documents as production does (retrieval.chunk_tokens); a document scores as its best chunk.")
    var chunk = false

    @ArgumentParser.Option(help: "Hybrid fusion: absolute, convex or rrf (default: retrieval.fusion of the configuration).")
    var fusion: String?

    @ArgumentParser.Flag(help: "Keep retrieval.convex_alpha instead of fitting the dense weight to the corpus (hybrid mode).")
    var noFit = false

    @ArgumentParser.Flag(help: "Fit the dense weight to the corpus's titles only, without taking the queries' texts as visitors' questions.")
    var noVisitorQuestions = false

    @ArgumentParser.Option(help: "Qrels split to evaluate.")
    var split = "test"

    @ArgumentParser.Option(help: "Also write the ranking of every query to this file in TREC run format (query Q0 document rank score tag), for trec_eval or fusion studies.")
    var run: String?

    func run() async throws {
        guard let retrievalMode = RetrievalMode(rawValue: mode), retrievalMode != .off else {
            throw ValidationError("--mode must be hybrid, dense or lexical")
        }
        let fusionMethod = try fusion.map { name in
            guard let method = FusionMethod(rawValue: name) else { throw ValidationError("--fusion must be absolute, convex or rrf") }
            return method
        }
        let dataset: BEIRDataset
        do {
            dataset = try BEIRDataset(folder: folder, split: split)
        } catch let error as BEIRDataset.FormatError {
            throw ValidationError(error.description)
        }
        try await ScratchApplication.run(label: "eval", loaded: Runtime.loadConfiguration(global)) { config in
            if retrievalMode == .lexical { config.embeddings.provider = "none" }
            if let fusionMethod { config.retrieval.fusion = fusionMethod }
        } body: { app in
            try await evaluate(dataset, mode: retrievalMode, app: app)
        }
    }

    private func evaluate(_ dataset: BEIRDataset, mode: RetrievalMode, app: Application) async throws {
        let services = app.parley
        let tenant = try await services.provisioner(services.stores(on: app.db(.parley))).createTenant(name: "BEIR evaluation", slug: "beir-eval").tenant
        var ingestion = services.ingestion
        if !chunk { ingestion = IngestionService(store: ingestion.store, knowledge: ingestion.knowledge, loader: ingestion.loader, chunker: .wholeDocuments) }

        let ingested = try await CorpusIngestion(service: ingestion).ingest(dataset.documents, tenant: tenant.id)
        let documentOfChunk = ingested.documentOfChunk, failed = ingested.failed, ingestSeconds = ingested.seconds
        // As a server's refit job would after these sources changed: the titles are the
        // self-queries, and (unless --no-visitor-questions) the queries' texts, never their
        // judgements, are the visitors' questions, each query ranked with the weight the queries
        // before it call for (`LeaveOneOutFits`), so that no query's own text sets its weight.
        let fitStarted = ContinuousClock.now
        let fitter = mode == .hybrid && !noFit ? services.denseWeightFitter(on: app.db(.parley)) : nil
        let agent = services.config.app.defaultAgent
        var titlesFit: DenseWeightFit?
        var leaveOneOut: LeaveOneOutFits?
        if let fitter, noVisitorQuestions {
            titlesFit = try await fitter.refit(tenant: tenant.id, visitorQuestions: [])
        } else if let fitter {
            let knowledge = services.knowledge, id = tenant.id
            leaveOneOut = try await LeaveOneOutFits.make(
                questions: dataset.queries.map(\.text),
                margins: { try await knowledge.decisiveness(of: [($0, agent)], tenant: id).first },
                fit: fitter.evaluation.visitorFit,
                fallback: { try await fitter.refit(tenant: id, visitorQuestions: []) })
        }
        let fitSeconds = fitStarted.duration(to: .now).seconds

        let queryStarted = ContinuousClock.now
        var run: RankingMetrics.Run = [:]
        for (index, query) in dataset.queries.enumerated() {
            if let fit = leaveOneOut?.byQuestion[index] ?? titlesFit { await services.knowledge.apply(fit, tenant: tenant.id) }
            let ranked = try await services.knowledge.rank(RetrievalQuery(
                tenantID: tenant.id, agentCode: agent, text: query.text, topK: chunk ? 1000 : 100, mode: mode))
            var scores: [String: Double] = [:]
            for item in ranked {
                guard let document = documentOfChunk[item.id] else { continue }
                scores[document] = max(scores[document] ?? -.infinity, item.score)
            }
            run[query.id] = Dictionary(uniqueKeysWithValues: RankingMetrics.ranking(scores).prefix(100).map { ($0, scores[$0] ?? 0) })
        }
        let querySeconds = queryStarted.duration(to: .now).seconds
        if let runPath = self.run { try Self.writeTRECRun(run, tag: "parley-\(mode.rawValue)", to: runPath) }
        let summary = RankingMetrics.summarize(run: run, judgements: dataset.judgements)
        let fusion = await services.knowledge.fusion(for: tenant.id)
        let fitted = leaveOneOut?.weights != nil || titlesFit?.isUsable == true
        let fusionText = switch (mode, fusion.method) {
        case (.hybrid, .absolute) where fitted: ", absolute fusion with the fitted dense weights below"
        case (.hybrid, .absolute): ", absolute fusion alpha \(fusion.alpha)"
        case (.hybrid, .convex): ", convex fusion alpha \(fusion.alpha)"
        case (.hybrid, .rrf): ", RRF k \(fusion.rrfK)"
        default: ""
        }
        print("BEIR \(folder): \(dataset.documents.count) documents (\(documentOfChunk.count) chunks, \(failed) failed), \(summary.queries) judged queries")
        print("  mode \(mode.rawValue)\(fusionText), embedder \(services.knowledge.embeddingModel?.description ?? "none")")
        if let leaveOneOut { Self.describe(leaveOneOut) }
        if let titlesFit { print("  \(Self.describe(titlesFit))") }
        if let curve = (titlesFit ?? leaveOneOut?.fallback).flatMap({ $0.curve.isEmpty ? nil : SelfEvaluationText.curve($0) }) {
            print("  self-queries' hybrid nDCG@10 by dense weight: \(curve)")
        }
        if fitter != nil { print(String(format: "  fitting took %.1f s", fitSeconds)) }
        print(String(format: "  nDCG@10 %.2f   Recall@100 %.2f   MRR@10 %.2f", summary.ndcgAt10 * 100, summary.recallAt100 * 100, summary.mrrAt10 * 100))
        print(String(format: "  ingestion %.1f s (%.1f docs/s)   queries %.1f s (%.1f queries/s)",
                     ingestSeconds, Double(dataset.documents.count) / max(ingestSeconds, 1e-9),
                     querySeconds, Double(dataset.queries.count) / max(querySeconds, 1e-9)))
    }

    /// The weights the queries were ranked with, the fit of all of them, and the titles' fit
    /// where a query had too few others.
    static func describe(_ fits: LeaveOneOutFits) {
        let ranked = fits.weights.map { String(format: "dense weights %.2f-%.2f (median %.2f)", $0.low, $0.high, $0.median) } ?? "the configured dense weight"
        let fellBack = fits.fellBack > 0 ? ", \(fits.fellBack) with fewer than \(DenseWeightFit.minimumVisitorQuestions) others: the titles' fit" : ""
        print("  visitors' questions, leave-one-out: each query ranked with the weight the up to \(DenseWeightFitter.questionLimit) queries before it call for: \(ranked)\(fellBack)")
        if let whole = fits.whole { print("  all \(fits.questionLike) queries together: \(describe(whole))") }
        if let fallback = fits.fallback { print("  titles: \(describe(fallback))") }
    }

    static func describe(_ fit: DenseWeightFit) -> String {
        SelfEvaluationText.describe(fit) + (fit.indexedChunks > 0 ? ", \(fit.indexedChunks) chunks re-embedded" : "")
    }

    /// One line per ranked document, best first: `query Q0 document rank score tag`.
    static func writeTRECRun(_ run: RankingMetrics.Run, tag: String, to path: String) throws {
        var text = ""
        for query in run.keys.sorted() {
            let scores = run[query] ?? [:]
            for (rank, document) in RankingMetrics.ranking(scores).enumerated() {
                text += "\(query) Q0 \(document) \(rank + 1) \(scores[document] ?? 0) \(tag)\n"
            }
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw ValidationError("cannot write the run file \(path): \(error.localizedDescription)")
        }
    }
}
