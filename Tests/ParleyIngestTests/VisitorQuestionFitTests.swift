import Fluent
import Foundation
import ParleyChat
import ParleyCore
@testable import ParleyIngest
import ParleyRetrieval
import ParleyServer
import ParleyStore
import ParleyTestSupport
import SQLKit
import Testing

/// A tenant's dense weight fitted to its visitors' recent questions, read from the database.
@Suite("Dense weight from visitors' questions")
struct VisitorQuestionFitTests {
    /// A server without the demo and without a worker (the test runs fits and sweeps itself),
    /// and tenants of the given slugs.
    func withTenants(_ backend: TestBackend, _ slugs: [String], _ body: (ParleyTestServer, [Tenant]) async throws -> Void) async throws {
        try await TestDatabase.with(backend) { database in
            let server = try await ParleyTestServer.start(database, embedder: HashingEmbedder()) { $0.app.seedDemo = false; $0.jobs.inProcessWorker = false }
            let provisioner = server.services.provisioner(server.stores)
            var tenants: [Tenant] = []
            for slug in slugs { tenants.append(try await provisioner.createTenant(name: slug.capitalized, slug: slug).tenant) }
            try await body(server, tenants)
            await server.stop()
        }
    }

    @Test(arguments: TestBackend.available)
    func recentQuestionsOfTheTenantAloneDecideItsWeight(backend: TestBackend) async throws {
        try await withTenants(backend, ["parts", "other"]) { server, tenants in
            let (parts, other) = (tenants[0], tenants[1])
            _ = try await server.services.ingestion.ingest(SourceInput(kind: .faq, locator: "parts.json", payload: .file(PartsFAQ.json)), tenant: parts.id)
            let store = FluentConversationStore(database: server.app.db(.parley))

            // 60 conversations of Parts, each a question about one part, an answer and a "thanks";
            // the other tenant's visitors ask about something else entirely.
            for (index, part) in (PartsFAQ.parts + PartsFAQ.parts + PartsFAQ.parts.prefix(12)).enumerated() {
                let (session, _) = try await store.createSession(tenant: parts.id, agentCode: index.isMultiple(of: 2) ? "sales" : "support",
                                                                 keyHash: KeyMaterial.hash("parts-\(index)"),
                                                                 firstMessage: NewMessage(role: .human, content: "what care does my \(part) need"))
                _ = try await store.append(tenant: parts.id, session: session.id, message: NewMessage(role: .assistant, content: "Wipe the \(part)."))
                _ = try await store.append(tenant: parts.id, session: session.id, message: NewMessage(role: .human, content: "thanks"))
            }
            for index in 0 ..< 5 {
                _ = try await store.createSession(tenant: other.id, agentCode: "sales", keyHash: KeyMaterial.hash("other-\(index)"),
                                                  firstMessage: NewMessage(role: .human, content: "secret question of the other tenant \(index)"))
            }

            let source = try SQLVisitorQuestions(database: server.app.db(.parley))
            let read = try await source.recentVisitorQuestions(tenant: parts.id, limit: 1_000)
            #expect(read.count == 120, "every visitor message of the tenant, no answer")
            #expect(!read.contains { $0.text.contains("other tenant") })
            #expect(Set(read.map(\.agentCode)) == ["sales", "support"])
            let limited = try await source.recentVisitorQuestions(tenant: parts.id, limit: 4)
            #expect(limited.count == 4)
            #expect(limited.first?.text == "thanks" && limited.contains { $0.text == "what care does my \(PartsFAQ.parts[11]) need" },
                    "newest conversations first")
            #expect(try await source.recentVisitorQuestions(tenant: parts.id, limit: 0).isEmpty)
            #expect(try await source.recentVisitorQuestions(tenant: TenantID(), limit: 10).isEmpty)

            // The fit reads them itself, leaves out the "thanks", and the weight comes from the 60 questions.
            let fitter = try #require(server.services.denseWeightFitter(on: server.app.db(.parley)))
            let fit = try await fitter.refit(tenant: parts.id)
            #expect(fit.outcome == .fitted && fit.basis == .visitorQuestions && fit.visitorQuestions == 60)
            let questions = read.filter { $0.text != "thanks" }
            let margins = try await server.services.knowledge.decisiveness(of: questions, tenant: parts.id)
            #expect(fit.denseWeight == DecisivenessWeight.weight(margins))
            #expect(await server.services.knowledge.fusion(for: parts.id).alpha == fit.denseWeight)
            #expect(try await SQLDenseWeightFits(database: server.app.db(.parley)).fit(tenant: parts.id)?.fit == fit)

            // The other tenant has five questions, too few: its self-queries are too few as well.
            let otherFit = try await fitter.refit(tenant: other.id)
            #expect(otherFit.outcome == .tooFewQueries && otherFit.visitorQuestions == 5)
            #expect(await server.services.knowledge.fusion(for: other.id).alpha == 0.5)
        }
    }

    @Test(arguments: TestBackend.available)
    func theSweepRefitsForVisitorsOnceADayAndFitsTenantsThatHaveNone(backend: TestBackend) async throws {
        try await withTenants(backend, ["visited", "quiet", "unfitted", "empty"]) { server, tenants in
            let (visited, quiet, unfitted) = (tenants[0], tenants[1], tenants[2])
            for tenant in [visited, quiet, unfitted] {
                _ = try await server.services.ingestion.ingest(SourceInput(kind: .text, title: "Hours", payload: .text("The shop opens at nine.")),
                                                               tenant: tenant.id)
            }
            // The unfitted tenant's sources changed long ago (changes are kept a day), as after an upgrade forgot its fit.
            let sql = try #require(server.app.db(.parley) as? any SQLDatabase)
            try await sql.raw("DELETE FROM knowledge_changes WHERE tenant_id = \(bind: unfitted.id.uuid)").run()
            let fits = try SQLDenseWeightFits(database: server.app.db(.parley))
            let now = Date()
            let dayOld = Date(timeIntervalSince1970: (now.timeIntervalSince1970 - 2 * 86_400).rounded(.down))
            for tenant in [visited, quiet] {
                try await fits.saveFit(StoredDenseWeightFit(tenantID: tenant.id, fit: DenseWeightFit(denseWeight: 0.5, outcome: .tooFewQueries),
                                                            knowledgeChange: 7, fittedAt: dayOld))
            }
            _ = try await FluentConversationStore(database: server.app.db(.parley)).createSession(
                tenant: visited.id, agentCode: "sales", keyHash: KeyMaterial.hash("v"), firstMessage: NewMessage(role: .human, content: "when do you open"))

            let due = try await fits.tenantsDueForVisitors(now: now, refitAge: DenseWeightSweep.visitorRefitAge, limit: 10)
            #expect(Dictionary(uniqueKeysWithValues: due.map { ($0.tenant, $0.knowledgeChange) }) == [visited.id: 7, unfitted.id: 0],
                    "the quiet tenant had no visitor since its fit, the empty one has nothing to fit")
            #expect(try await fits.tenantsDueForVisitors(now: now, refitAge: DenseWeightSweep.visitorRefitAge, limit: 1).count == 1)
            // A fit younger than a day waits, visitors or not.
            #expect(try await fits.tenantsDueForVisitors(now: now, refitAge: 3 * 86_400, limit: 10).map(\.tenant) == [unfitted.id])

            let sweep = DenseWeightSweep(fits: fits, jobs: server.services.jobs)
            let queued = try await sweep.run(now: now)
            #expect(queued == 2, "the visited and the unfitted tenant; the fits name changes newer than the sources'")
            #expect(try await sweep.run(now: now) == 0, "once a day")
            #expect(try await sweep.run(now: now.addingTimeInterval(86_400)) == 2, "the next day, again for the same reasons")
        }
    }

    @Test func onlyMessagesThatAskSomethingCount() {
        #expect(DenseWeightFitter.isQuestionLike("how do I reset my password"))
        #expect(!DenseWeightFitter.isQuestionLike("thanks"))
        #expect(!DenseWeightFitter.isQuestionLike("ok great"))
        #expect(!DenseWeightFitter.isQuestionLike("jane@example.com"))
        #expect(!DenseWeightFitter.isQuestionLike(String(repeating: "long paste ", count: 200)))
    }
}
