import ArgumentParser
import Fluent
import Foundation
import ParleyChat
import ParleyCore
import ParleyHandoff
import ParleyIngest
import ParleyLLM
import ParleyRetrieval
import ParleyServer
import Vapor

/// `parley eval confidence DIR --tenant SLUG`: how well answer confidence tells the questions a
/// tenant's knowledge base answers from those it does not, on a labelled set (`DIR/questions.tsv`).
struct EvalConfidenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confidence",
        abstract: "ROC AUC of answer confidence, and refusal and escalation rates, on a labelled set of questions.",
        discussion: """
            DIR/questions.tsv holds a header line and `question<TAB>1` (the knowledge base answers it) or \
            `question<TAB>0` lines. The knowledge base is the tenant's (--tenant), or DIR/corpus.jsonl (BEIR format) \
            ingested into a scratch tenant in a temporary database. Each question is retrieved as the agent's chat \
            turn would, answered by the offline answerer (nothing is logged as usage), and its answer scored.
            """)

    @OptionGroup var global: GlobalOptions

    @ArgumentParser.Argument(help: "Folder with questions.tsv, and corpus.jsonl when the set brings its own knowledge base.")
    var folder: String

    @ArgumentParser.Option(help: "Slug of the tenant whose knowledge base answers (see `parley tenant list`); not with a folder that holds corpus.jsonl.")
    var tenant: String?

    @ArgumentParser.Option(help: "The agent whose retrieval settings and persona are used.")
    var agent = "sales"

    @ArgumentParser.Flag(help: "Also print every question's score and its parts, lowest first.")
    var perQuestion = false

    func run() async throws {
        let path = URL(fileURLWithPath: folder).appendingPathComponent("questions.tsv").path
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        let questions: [ConfidenceEvaluation.LabelledQuestion]
        do {
            questions = try ConfidenceEvaluation.questions(tsv: String(decoding: data, as: UTF8.self))
        } catch let error as ParleyError {
            throw ValidationError("\(path): \(error.message)")
        }
        guard !questions.isEmpty else { throw ValidationError("\(path) holds no questions") }
        let corpusPath = URL(fileURLWithPath: folder).appendingPathComponent("corpus.jsonl").path
        let loaded = try Runtime.loadConfiguration(global)
        let report: ConfidenceEvaluation.Report
        let knowledgeBase: String
        if FileManager.default.fileExists(atPath: corpusPath) {
            guard tenant == nil else { throw ValidationError("\(folder) brings its own knowledge base (corpus.jsonl): leave out --tenant") }
            let documents: [BEIRDataset.Document]
            do {
                documents = try BEIRDataset.corpus(folder: folder)
            } catch let error as BEIRDataset.FormatError {
                throw ValidationError(error.description)
            }
            var scratchReport: ConfidenceEvaluation.Report?
            try await ScratchApplication.run(label: "confidence", loaded: loaded) { app in
                let services = app.parley
                let stores = services.stores(on: app.db(.parley))
                let created = try await services.provisioner(stores).createTenant(name: "Confidence evaluation", slug: "confidence-eval").tenant
                let ingested = try await CorpusIngestion(service: services.ingestion).ingest(documents, tenant: created.id)
                guard ingested.failed < documents.count else { throw ValidationError("no document of \(corpusPath) could be ingested") }
                // As a server's refit job would after these sources changed.
                _ = try await services.denseWeightFitter(on: app.db(.parley))?.refit(tenant: created.id)
                scratchReport = try await evaluate(questions, tenant: created, app: app)
            }
            report = scratchReport!
            knowledgeBase = "its corpus.jsonl, \(documents.count) documents"
        } else {
            guard let tenant else { throw ValidationError("--tenant is needed: \(folder) holds no corpus.jsonl of its own") }
            try Runtime.bootstrapLogging(loaded, stdout: false)
            report = try await Runtime.withApplication(loaded, loadsKnowledge: true) { app in
                let stores = app.parley.stores(on: app.db(.parley))
                guard let target = try await stores.tenants.tenant(slug: tenant) else {
                    throw ValidationError("no tenant has the slug '\(tenant)' (see `parley tenant list`)")
                }
                return try await evaluate(questions, tenant: target, app: app)
            }
            knowledgeBase = "tenant \(tenant)"
        }
        if perQuestion {
            for item in report.scored.sorted(by: { $0.confidence.score < $1.confidence.score }) {
                let parts = item.confidence
                print(String(format: "%@ %.2f  similarity %.2f coverage %.2f coherence %.2f  ", item.question.answerable ? "answerable  " : "unanswerable",
                             parts.score, parts.retrievalSimilarity, parts.sourceCoverage, parts.answerCoherence) + item.question.text)
            }
        }
        print(Self.render(report, folder: folder, knowledgeBase: knowledgeBase))
    }

    /// Answers every question as the agent's chat turn would, with the offline answerer.
    private func evaluate(_ questions: [ConfidenceEvaluation.LabelledQuestion], tenant target: Tenant, app: Application) async throws -> ConfidenceEvaluation.Report {
        let services = app.parley
        let resolved = try await services.agentResolver(services.stores(on: app.db(.parley))).resolve(tenant: target, code: agent)
        let prompts = PromptBuilder()
        let answerer = ExtractiveAnswerer(recorder: DiscardingCallRecorder())
        let progress = ProgressBar(total: questions.count, label: "answer")
        var done = 0
        // Rates at the tenant's own thresholds (parley.yaml's `handoff.*` unless it sets its own).
        let policy = HandoffPolicy(config: services.config.handoff, tenantSettings: target.settings)
        let report = try await ConfidenceEvaluation(scorer: ConfidenceScorer(), policy: policy).run(questions) { text in
            try await services.retriever.retrieve(RetrievalQuery(tenantID: target.id, agentCode: resolved.code, text: text, topK: resolved.retrievalTopK,
                                                                 mode: resolved.retrievalMode, minScore: resolved.retrievalMinScore))
        } answer: { text, passages in
            let request = ChatCompletionRequest(model: resolved.model, messages: prompts.messages(persona: resolved.persona, history: [], passages: passages, question: text),
                                                temperature: resolved.temperature, maxTokens: resolved.maxTokens, passages: passages)
            var answer = ""
            for try await event in answerer.stream(request, context: LLMCallContext(tenantID: target.id, sessionID: nil, logger: app.logger)) {
                if case .token(let token) = event { answer += token }
            }
            done += 1
            progress.update(done)
            return answer
        }
        progress.finish()
        return report
    }

    static func render(_ report: ConfidenceEvaluation.Report, folder: String, knowledgeBase: String) -> String {
        func share(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
        func mean(_ values: [Double]) -> String { values.isEmpty ? "-" : String(format: "%.3f", values.reduce(0, +) / Double(values.count)) }
        let answerable = report.scores(answerable: true), unanswerable = report.scores(answerable: false)
        var lines = ["Confidence on \(folder) (\(knowledgeBase)): \(answerable.count) answerable, \(unanswerable.count) unanswerable questions"]
        lines.append("  ROC AUC " + (report.rocAUC.map { String(format: "%.3f", $0) } ?? "- (needs both kinds)"))
        lines.append("  mean score: answerable \(mean(answerable)), unanswerable \(mean(unanswerable))")
        for (label, threshold) in [("refused (below \(report.refuseBelow))", report.refuseBelow), ("escalated (below \(report.escalateBelow))", report.escalateBelow)] {
            lines.append("  \(label): answerable \(share(report.shareBelow(threshold, answerable: true))), "
                         + "unanswerable \(share(report.shareBelow(threshold, answerable: false)))")
        }
        return lines.joined(separator: "\n")
    }
}

/// Records nothing: the evaluation's answers are not usage.
private struct DiscardingCallRecorder: LLMCallRecorder {
    func record(_ call: LLMCallRecord, context: LLMCallContext) async {}
}
