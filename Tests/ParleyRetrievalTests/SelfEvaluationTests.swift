import Foundation
import ParleyCore
@testable import ParleyRetrieval
import ParleyTestSupport
import Testing

@Suite("Self-evaluation")
struct SelfEvaluationTests {
    let tenant = TenantID()

    /// A made-up shop FAQ, chunked as ingestion chunks a FAQ source, plus a guide with headings.
    func knowledgeBase() -> [KnowledgeChunk] {
        let faq = FAQParser.document([
            FAQEntry(question: "How long does delivery take?", answer: "Parcels arrive within three working days; couriers deliver between 9 and 17."),
            FAQEntry(question: "Can I return a bike?", answer: "Returns are accepted within 30 days of delivery, unused and in the original box, for a full refund."),
            FAQEntry(question: "Can I pay in instalments?", answer: "We take credit cards, PayPal, iDEAL and bank transfer; instalments are available at 0% interest."),
            FAQEntry(question: "Do you repair bikes bought elsewhere?", answer: "Our workshop services every brand of electric bicycle, bought from us or not, at the hourly rate."),
        ], title: "Shop FAQ")
        let guide = ExtractedDocument(title: "Battery care guide", sections: [
            .init(headingPath: ["Battery care guide", "Winter storage"], paragraphs: ["Keep the battery indoors between 10 and 20 degrees and charge it to about 60 percent before storing it for months."]),
            .init(headingPath: ["Battery care guide", "Overview"], paragraphs: ["Lithium cells age more slowly when they are neither full nor empty for long."]),
        ])
        let faqSource = SourceID(), guideSource = SourceID()
        var chunks: [KnowledgeChunk] = []
        for (source, document) in [(faqSource, faq), (guideSource, guide)] {
            for piece in TextChunker().chunks(of: document) {
                chunks.append(KnowledgeChunk(tenantID: tenant, sourceID: source, agentCode: nil, position: chunks.count, text: piece.text,
                                             title: document.title, url: nil, headingPath: piece.headingPath))
            }
        }
        // A second "Overview" elsewhere makes that heading ambiguous.
        chunks.append(KnowledgeChunk(tenantID: tenant, sourceID: SourceID(), agentCode: "sales", position: 0, text: "Company overview text.",
                                     title: "about.pdf", url: nil, headingPath: ["Overview"]))
        return chunks
    }

    @Test func faqQuestionsHeadingsAndTitlesBecomeQueriesWithTheirAnswers() {
        let chunks = knowledgeBase()
        let queries = SelfQueries.make(from: chunks, limit: 100)
        let questions = queries.filter { $0.kind == .question }
        #expect(Set(questions.map(\.text)) == ["How long does delivery take?", "Can I return a bike?",
                                                 "Can I pay in instalments?", "Do you repair bikes bought elsewhere?"])
        let returns = try? #require(questions.first { $0.text == "Can I return a bike?" })
        #expect(returns?.relevant.count == 1)
        #expect(chunks.first { returns?.relevant.contains($0.id) == true }?.text.contains("30 days") == true)
        // "Overview" names two places and "about.pdf" is a file name: neither is a query.
        #expect(queries.filter { $0.kind == .heading }.map(\.text) == ["Winter storage"])
        #expect(Set(queries.filter { $0.kind == .title }.map(\.text)) == ["Shop FAQ", "Battery care guide"])
        let guide = queries.first { $0.text == "Battery care guide" }
        #expect(guide?.relevant.count == 2)
        // The limit holds per kind, and the choice is the same every time.
        #expect(SelfQueries.make(from: chunks, limit: 2).filter { $0.kind == .question }.count == 2)
        #expect(SelfQueries.make(from: chunks, limit: 2) == SelfQueries.make(from: chunks, limit: 2))
    }

    @Test func theEvaluationIndexHoldsAnswersOnly() {
        let chunk = knowledgeBase().first { $0.headingPath.last == "Can I return a bike?" }!
        let stripped = SelfQueries.answerOnly(chunk)
        #expect(!stripped.text.contains("Can I return a bike?"))
        #expect(stripped.text.hasPrefix("Returns are accepted"))
        #expect(stripped.title.isEmpty && stripped.headingPath.isEmpty && stripped.agentCode == nil)
        #expect(stripped.id == chunk.id)
    }

    @Test func knownAnswersAreFoundAndReportedPerModeWithIntervals() async throws {
        let evaluation = SelfEvaluation(embedder: HashingEmbedder(), settings: KnowledgeBaseSettings(), resamples: 200)
        let report = try await evaluation.run(knowledgeBase())
        #expect(report.chunks == 7)
        #expect(report.queries.count == 7)
        #expect(report.modes.map(\.mode) == [.lexical, .dense, .hybrid])
        for mode in [RetrievalMode.lexical, .dense, .hybrid] {
            let estimate = try #require(report.ndcg(mode))
            #expect(estimate.low <= estimate.mean && estimate.mean <= estimate.high)
            #expect(estimate.mean > 0 && estimate.mean <= 1)
        }
        // "Can I pay in instalments?" shares "instalments" with its answer only: BM25 finds it first.
        let payment = try #require(report.queries.firstIndex { $0.text == "Can I pay in instalments?" })
        let lexical = try #require(report.modes.first { $0.mode == .lexical })
        #expect(lexical.scores[payment].mrrAt10 == 1)
        // "Winter storage" has no word in common with its section's answer-only text: nothing finds it by its words.
        let winter = try #require(report.queries.firstIndex { $0.text == "Winter storage" })
        #expect(lexical.scores[winter].recallAt10 == 0)
        #expect(report.difference(.hybrid, over: .lexical) != nil)
        // Hybrid at every dense weight from 0 to 1, each used as it is (as a fitted weight is).
        #expect(report.weights.map(\.alpha) == (0 ... 10).map { Double($0) / 10 })
        #expect(report.weights.allSatisfy { (0 ... 1).contains($0.ndcgAt10) })
        // Seven self-queries are too few to fit a weight: the configured one stays, the best is reported.
        let fit = try #require(report.fit)
        #expect(fit.outcome == .tooFewQueries && fit.denseWeight == 0.5)
        let best = try #require(fit.bestWeight)
        #expect(report.weights.allSatisfy { $0.ndcgAt10 <= report.weights[Int((best * 10).rounded())].ndcgAt10 })
        let text = SelfEvaluationText.render(report, tenant: "shop")
        #expect(text.contains("dense weight: 0.5, the configured one (7 self-queries, 0 visitors' questions; fitting needs 20 self-queries or 50 questions)"))
        #expect(text.contains("7 chunks, 7 self-queries (4 questions, 1 headings, 2 titles)"))
        #expect(text.contains("Fewer than 30 self-queries"))
    }

    @Test func withoutAnEmbedderOnlyLexicalIsMeasured() async throws {
        let report = try await SelfEvaluation(embedder: nil, settings: KnowledgeBaseSettings(), resamples: 50).run(knowledgeBase())
        #expect(report.modes.map(\.mode) == [.lexical])
        #expect(report.bestMode == .lexical)
        #expect(report.weights.isEmpty && report.fit == nil)
        let fit = try await SelfEvaluation(embedder: nil, settings: KnowledgeBaseSettings()).fitDenseWeight(knowledgeBase())
        #expect(fit.outcome == .notApplicable && fit.denseWeight == 0.5)
    }

    /// A parts FAQ with one entry per part: 24 questions, each answered by its own entry.
    func partsFAQ() -> [KnowledgeChunk] {
        let faq = FAQParser.document(PartsFAQ.entries.map { FAQEntry(question: $0.question, answer: $0.answer) }, title: "Parts care")
        let source = SourceID()
        return TextChunker().chunks(of: faq).enumerated().map { index, piece in
            KnowledgeChunk(tenantID: tenant, sourceID: source, agentCode: nil, position: index, text: piece.text, title: faq.title, url: nil,
                           headingPath: piece.headingPath)
        }
    }

    @Test func enoughSelfQueriesFitAWeightFromTheirDecisivenessAndTheReportPrintsIt() async throws {
        let evaluation = SelfEvaluation(embedder: HashingEmbedder(), settings: KnowledgeBaseSettings(), resamples: 50)
        let chunks = partsFAQ()
        let fit = try await evaluation.fitDenseWeight(chunks)
        #expect(fit.outcome == .fitted && fit.basis == .selfQueries && fit.isUsable)
        #expect(fit.selfQueries >= DenseWeightFit.minimumQueries && fit.indexedChunks == chunks.count)
        let range = try #require(fit.weightRange)
        #expect(range.count == 2 && range[0] <= fit.denseWeight && fit.denseWeight <= range[1])
        #expect(fit.curve.count == SelfEvaluation.weightGrid.count && fit.bestWeight != nil)
        let report = try await evaluation.run(chunks)
        #expect(report.fit == fit)
        #expect(SelfEvaluationText.render(report, tenant: "parts").contains(
            "dense weight fitted to this content: \(String(format: "%.2f", fit.denseWeight))"))
        // A knowledge base with too few self-queries is not even indexed.
        let small = try await evaluation.fitDenseWeight(knowledgeBase())
        #expect(small.outcome == .tooFewQueries && small.indexedChunks == 0 && small.selfQueries == 7)
    }

    @Test func enoughVisitorsQuestionsDecideTheWeightOverTheSelfQueries() async throws {
        let evaluation = SelfEvaluation(embedder: HashingEmbedder(), settings: KnowledgeBaseSettings(), resamples: 50)
        let chunks = partsFAQ()
        // Visitors whose questions only the dense list answers decisively.
        let visitors = (0 ..< DenseWeightFit.minimumVisitorQuestions).map { DecisivenessWeight.Margins(lexical: 0.01 + Double($0 % 3) / 100, dense: 0.2) }
        let fit = try await evaluation.fitDenseWeight(chunks, visitorMargins: visitors)
        #expect(fit.outcome == .fitted && fit.basis == .visitorQuestions && fit.visitorQuestions == DenseWeightFit.minimumVisitorQuestions)
        #expect(fit.denseWeight == DecisivenessWeight.weight(visitors) && fit.denseWeight > 0.9)
        #expect(fit.curve.isEmpty && fit.indexedChunks == 0, "no scratch index is built for the self-queries' curve")
        #expect(fit.selfQueries >= DenseWeightFit.minimumQueries, "the self-queries are still counted")
        #expect(SelfEvaluationText.describe(fit).contains("\(DenseWeightFit.minimumVisitorQuestions) visitors' questions"))
        // Too few visitors' questions: the self-queries decide, and the count is kept for the report.
        let few = try await evaluation.fitDenseWeight(chunks, visitorMargins: Array(visitors.dropLast()))
        #expect(few.basis == .selfQueries && few.visitorQuestions == DenseWeightFit.minimumVisitorQuestions - 1)
        #expect(few.denseWeight == (try await evaluation.fitDenseWeight(chunks)).denseWeight)
        // A knowledge base with too few self-queries is fitted by its visitors alone.
        let small = try await evaluation.fitDenseWeight(knowledgeBase(), visitorMargins: visitors)
        #expect(small.basis == .visitorQuestions && small.denseWeight == fit.denseWeight)
    }

    @Test func aLimitedIndexHoldsTheAnswersOfTheQueriesItKeepsAndASampleOfTheRest() {
        let chunks = partsFAQ()
        let evaluation = SelfEvaluation(embedder: nil, settings: KnowledgeBaseSettings(), chunkLimit: 10)
        let sample = evaluation.sample(chunks)
        #expect(sample.chunks.count == 10)
        let indexed = Set(sample.chunks.map(\.id))
        #expect(!sample.queries.isEmpty)
        #expect(sample.queries.allSatisfy { $0.relevant.isSubset(of: indexed) })
        #expect(sample.queries.reduce(into: Set<ChunkID>()) { $0.formUnion($1.relevant) }.count <= 5)
        let reordered: Set<ChunkID> = Set(evaluation.sample(Array(chunks.reversed())).chunks.map(\.id))
        #expect(reordered == indexed, "the same chunks in any order give the same sample")
        // Under the limit, everything is indexed.
        #expect(SelfEvaluation(embedder: nil, settings: KnowledgeBaseSettings(), chunkLimit: 100).sample(chunks).chunks.count == chunks.count)
    }

    @Test func theBootstrapIntervalNarrowsWithMoreQueries() {
        let few = SelfEvaluationReport.bootstrap([0, 1, 0, 1], resamples: 500, seed: 1)
        let many = SelfEvaluationReport.bootstrap((0 ..< 400).map { Double($0 % 2) }, resamples: 500, seed: 1)
        #expect(few.mean == 0.5 && many.mean == 0.5)
        #expect(few.high - few.low > many.high - many.low)
        #expect(many.low > 0.4 && many.high < 0.6)
        #expect(SelfEvaluationReport.bootstrap([0.7], resamples: 100, seed: 1) == .init(mean: 0.7, low: 0.7, high: 0.7))
    }
}
