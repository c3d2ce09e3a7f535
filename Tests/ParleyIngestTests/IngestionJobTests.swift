import Foundation
import ParleyChat
import ParleyCore
import ParleyIngest
import ParleyJobs
import ParleyRetrieval
import ParleyServer
import ParleyTestSupport
import Testing

/// Ingestion through the durable job queue: restarts resume, a stalled web server neither
/// hangs its own source nor holds up another tenant's.
@Suite("Ingestion jobs")
struct IngestionJobTests {
    func status(_ server: ParleyTestServer, _ source: SourceID, _ tenant: TenantID) async throws -> KnowledgeSource? {
        try await server.services.ingestion.store.source(source, tenant: tenant)
    }

    /// The source once it is no longer pending, or as it is after `timeout`. The default only
    /// bounds a failing test (under the whole suite on two cores a restart's first source took
    /// over 15 s once); a test that needs a tighter bound passes its own.
    func waitForStatus(_ server: ParleyTestServer, _ source: SourceID, _ tenant: TenantID, timeout: Duration = .seconds(120)) async throws -> KnowledgeSource? {
        let deadline = ContinuousClock.now + timeout
        var current = try await status(server, source, tenant)
        while current?.status == .pending, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(25))
            current = try await status(server, source, tenant)
        }
        return current
    }

    @Test(arguments: TestBackend.available)
    func pendingSourcesAreIndexedAfterARestart(backend: TestBackend) async throws {
        let database = try await TestDatabase.make(backend)
        do {
            // The first process queues sources but runs no worker (as `serve --no-worker` would), then stops.
            var server = try await ParleyTestServer.start(database) { $0.app.seedDemo = false; $0.jobs.inProcessWorker = false }
            let tenant = try await server.services.provisioner(server.stores).createTenant(name: "Restart", slug: "restart").tenant
            let submission = server.services.sourceSubmission
            let text = try await submission.submit(SourceInput(kind: .text, title: "Hours", payload: .text("The shop opens at nine.")), tenant: tenant.id)
            let faq = try await submission.submit(SourceInput(kind: .faq, locator: "faq.json",
                                                              payload: .file(Data(#"[{"question": "Do you deliver?", "answer": "Yes, within two days."}]"#.utf8))),
                                                  tenant: tenant.id)
            #expect(try await status(server, text.source.id, tenant.id)?.status == .pending)
            await server.stop()

            server = try await ParleyTestServer.start(database) { $0.app.seedDemo = false }
            #expect(try await waitForStatus(server, text.source.id, tenant.id)?.status == .indexed)
            #expect(try await waitForStatus(server, faq.source.id, tenant.id)?.status == .indexed)
            for job in [text.job, faq.job] {
                #expect(try await server.services.jobs.store.waitUntilFinished(job, timeout: .seconds(60))?.state == .succeeded)
            }
            let hits = try await server.services.knowledge.retrieve(RetrievalQuery(tenantID: tenant.id, agentCode: "sales", text: "deliver two days",
                                                                                   topK: 3, mode: .lexical))
            #expect(hits.first?.title == "Frequently asked questions")
            #expect(try await server.rowCount("source_inputs") == 0, "inputs are deleted once processed")
            await server.stop()
        } catch {
            await database.destroy()
            throw error
        }
        await database.destroy()
    }

    @Test(arguments: TestBackend.available)
    func stalledSiteTimesOutWhileAnotherTenantsSourceIsIndexed(backend: TestBackend) async throws {
        let site = try await LocalSiteServer.start(["/slow": .stalling(), "/robots.txt": .init(contentType: "text/plain", body: "User-agent: *\nAllow: /\n")])
        do {
            try await ParleyTestServer.with(backend, adjust: { config in
                config.app.seedDemo = false
                config.ingest.allowPrivateNetworks = true
                config.ingest.useSitemap = false
                // Long enough that the other tenant's source is indexed well inside it on a busy machine.
                config.ingest.fetchTimeoutSeconds = 20
            }) { server in
                let provisioner = server.services.provisioner(server.stores)
                let a = try await provisioner.createTenant(name: "Slow site", slug: "slow").tenant
                let b = try await provisioner.createTenant(name: "Quick FAQ", slug: "quick").tenant
                let submission = server.services.sourceSubmission
                let started = ContinuousClock.now
                let stalled = try await submission.submit(SourceInput(kind: .url, locator: site.url("/slow"), payload: .web(URL(string: site.url("/slow"))!)),
                                                          tenant: a.id)
                // Let the crawl reach the stalled page before the other tenant's source is queued.
                try await Task.sleep(for: .milliseconds(300))
                let quick = try await submission.submit(SourceInput(kind: .text, title: "Returns", payload: .text("Returns are free for thirty days.")),
                                                        tenant: b.id)
                let indexed = try await waitForStatus(server, quick.source.id, b.id, timeout: .seconds(16))
                #expect(indexed?.status == .indexed, "another tenant's source waited for the stalled site")
                #expect(try await status(server, stalled.source.id, a.id)?.status == .pending, "the stalled fetch was still running")
                let failed = try await waitForStatus(server, stalled.source.id, a.id, timeout: .seconds(60))
                #expect(failed?.status == .failed)
                #expect(failed?.failureReason?.contains("timed out") == true, "\(failed?.failureReason ?? "")")
                let took = started.duration(to: .now)
                // Without a deadline over the body the stalled page would hold the fetch for ten minutes;
                // the upper bound leaves room for a machine busy with the rest of the suite.
                #expect(took >= .seconds(19.5) && took < .seconds(60), "the fetch deadline covers the body: \(took)")
            }
        } catch {
            await site.stop()
            throw error
        }
        await site.stop()
    }
}
