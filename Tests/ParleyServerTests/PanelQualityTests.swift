import Fluent
import Foundation
import NIOHTTP1
import ParleyAccounts
import ParleyChat
import ParleyCore
import ParleyIngest
import ParleyServer
import ParleyTestSupport
import Testing

/// The panel's retrieval quality page: anyone with a role reads it, operators ask for a
/// measurement, which a job makes and stores; no tenant's people see or start another's.
@Suite("Panel retrieval quality")
struct PanelQualityTests {
    @Test(arguments: TestBackend.available)
    func operatorsMeasureAndEveryoneReadsTheirOwnTenantsReport(backend: TestBackend) async throws {
        try await ParleyTestServer.with(backend, embedder: HashingEmbedder(), adjust: { $0.app.seedDemo = false }) { server in
            let provisioner = server.services.provisioner(server.stores)
            let alpha = try await provisioner.createTenant(name: "Alpha", slug: "alpha").tenant
            let beta = try await provisioner.createTenant(name: "Beta", slug: "beta").tenant
            let submission = server.services.sourceSubmission
            let faq = try await submission.submit(SourceInput(kind: .faq, locator: "parts.json", payload: .file(PartsFAQ.json)),
                                                  tenant: alpha.id)
            #expect(try await submission.waitForIngestion(faq, timeout: .seconds(20)).status == .indexed)

            let people = AdminTestPeople(server: server)
            let viewer = try await people.panelSession("v@alpha.example", alpha.id, .viewer)
            let operatorSession = try await people.panelSession("op@alpha.example", alpha.id, .operator)
            let betaOperator = try await people.panelSession("op@beta.example", beta.id, .operator)

            let empty = String(decoding: try await viewer.get("/admin/t/alpha/quality").body, as: UTF8.self)
            #expect(empty.contains("Not measured yet") && !empty.contains("/quality/measure"), "a viewer reads but gets no button")
            #expect(try await viewer.post("/admin/t/alpha/quality/measure", []).status == 403)
            #expect(try await operatorSession.post("/admin/t/alpha/quality/measure", [], csrf: false).status == 403)
            #expect(try await betaOperator.post("/admin/t/alpha/quality/measure", []).status == 404, "another tenant's page is not found")
            #expect(try await betaOperator.get("/admin/t/alpha/quality").status == 404)

            let queued = try await operatorSession.post("/admin/t/alpha/quality/measure", [])
            #expect(queued.status == 303 && queued.headers.first(name: "Location") == "/admin/t/alpha/quality?done=measure_queued")
            let reports = try server.services.retrievalReports(on: server.app.db(.parley))
            #expect(try await eventually { try await reports.report(tenant: alpha.id) != nil })
            let report = try #require(try await reports.report(tenant: alpha.id)).report
            #expect(report.modes.map(\.mode) == [.lexical, .dense, .hybrid])
            #expect(report.queries["question"] == 24 && report.fit?.curve.count == 11)

            let page = String(decoding: try await viewer.get("/admin/t/alpha/quality").body, as: UTF8.self)
            let hybrid = try #require(report.modes.first { $0.mode == .hybrid })
            #expect(page.contains("Measured ") && page.contains(String(format: "%.1f", hybrid.ndcgAt10.mean * 100)))
            #expect(page.contains("24 questions"))
            #expect(page.contains("<meter"))
            // Beta has its own (empty) page: alpha's report never shows there.
            let betaPage = String(decoding: try await betaOperator.get("/admin/t/beta/quality").body, as: UTF8.self)
            #expect(betaPage.contains("Not measured yet"))
            #expect(try await reports.report(tenant: beta.id) == nil)

            // The explanation says when the semantic ranking is used alone, and only then (beta has
            // no sources, so no background fit replaces the stored ones).
            let fits = try #require(server.services.denseWeightFits(on: server.app.db(.parley)))
            for (weight, alone) in [(1.0, true), (0.76, false)] {
                let fit = DenseWeightFit(denseWeight: weight, outcome: .fitted, basis: .visitorQuestions, weightRange: [0.7, 1], visitorQuestions: 60)
                try await fits.saveFit(StoredDenseWeightFit(tenantID: beta.id, fit: fit, knowledgeChange: 0, fittedAt: Date()))
                let fitted = String(decoding: try await betaOperator.get("/admin/t/beta/quality").body, as: UTF8.self)
                #expect(fitted.contains("an answer for 60 of its visitors"))
                #expect(fitted.contains("The semantic ranking is used alone: it picked answers at least 2.2 times as decisively as the keyword one.") == alone)
            }
        }
    }
}
