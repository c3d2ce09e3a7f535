import Foundation
import ParleyCore
import ParleyIngest
import ParleyRetrieval
import ParleyServer
import ParleyChat
import ParleyTestSupport
import Testing

/// Ingestion against a real database (SQLite and PostgreSQL) through the running app's services.
@Suite("Ingestion")
struct IngestionServiceTests {
    func withServer(_ backend: TestBackend, maxUpload: Int = 1 << 20,
                    _ body: (ParleyTestServer, Tenant, Tenant) async throws -> Void) async throws {
        try await ParleyTestServer.with(backend, adjust: { config in
            config.app.seedDemo = false
            config.ingest.maxUploadBytes = maxUpload
            config.ingest.allowPrivateNetworks = true
            config.retrieval.chunkTokens = 60
            config.retrieval.chunkOverlap = 10
        }) { server in
            let provisioner = server.services.provisioner(server.stores)
            let a = try await provisioner.createTenant(name: "Tenant A", slug: "tenant-a").tenant
            let b = try await provisioner.createTenant(name: "Tenant B", slug: "tenant-b").tenant
            try await body(server, a, b)
        }
    }

    func search(_ server: ParleyTestServer, _ tenant: Tenant, _ text: String, agent: String = "sales") async throws -> [SourcePassage] {
        try await server.services.knowledge.retrieve(RetrievalQuery(tenantID: tenant.id, agentCode: agent, text: text, topK: 5, mode: .lexical))
    }

    @Test(arguments: TestBackend.available)
    func unchangedIsANoOpChangedReplacesDeletedRemovesEverything(backend: TestBackend) async throws {
        try await withServer(backend) { server, a, _ in
            let ingestion = server.services.ingestion
            let first = SourceInput(kind: .markdown, locator: "guide.md", payload: .text("# Guide\n\nThe kettle boils water in ninety seconds."))
            let created = try await ingestion.ingest(first, tenant: a.id)
            #expect(created.change == .created)
            #expect(created.source.status == .indexed)
            #expect(created.source.title == "Guide")
            #expect(try await search(server, a, "kettle boils").first?.title == "Guide")

            let again = try await ingestion.ingest(first, tenant: a.id)
            #expect(again.change == .unchanged)
            #expect(again.chunkIDs == created.chunkIDs)
            #expect(try await server.rowCount("sources") == 1)

            let changed = SourceInput(kind: .markdown, locator: "guide.md", payload: .text("# Guide\n\nThe toaster browns bread in two minutes."))
            let replaced = try await ingestion.ingest(changed, tenant: a.id)
            #expect(replaced.change == .replaced)
            #expect(Set(replaced.chunkIDs).isDisjoint(with: created.chunkIDs))
            #expect(try await search(server, a, "kettle").isEmpty)
            #expect(try await search(server, a, "toaster").count == 1)
            #expect(try await server.rowCount("chunks") == replaced.chunkIDs.count)

            #expect(try await ingestion.delete(replaced.source.id, tenant: a.id))
            #expect(try await server.rowCount("chunks") == 0)
            #expect(try await server.rowCount("sources") == 0)
            #expect(try await search(server, a, "toaster").isEmpty)
            #expect(try await ingestion.delete(replaced.source.id, tenant: a.id) == false)
        }
    }

    @Test(arguments: TestBackend.available)
    func eachSourceKindIsReadAndChunkedWithMetadata(backend: TestBackend) async throws {
        try await withServer(backend) { server, a, _ in
            let ingestion = server.services.ingestion
            let faq = "question,answer\nDo you deliver on Sundays?,\"No, deliveries run Monday to Saturday.\"\n"
            let html = "<html><head><title>Returns</title></head><body><h1>Returns</h1><h2>Refunds</h2><p>Refunds reach your card within five days.</p></body></html>"
            let long = (1 ... 40).map { "Sentence number \($0) talks about bicycles and their gears." }.joined(separator: " ")
            let outcomes = try await [
                ingestion.ingest(SourceInput(kind: .faq, locator: "faq.csv", payload: .file(Data(faq.utf8))), tenant: a.id),
                ingestion.ingest(SourceInput(kind: .html, locator: "returns.html", payload: .file(Data(html.utf8))), tenant: a.id),
                ingestion.ingest(SourceInput(kind: .text, title: "Bikes", payload: .text(long)), tenant: a.id),
            ]
            #expect(outcomes.allSatisfy { $0.source.status == .indexed })
            #expect(outcomes[0].source.title == "Frequently asked questions", "a FAQ file is not cited by its file name")
            let sunday = try await search(server, a, "deliver Sundays")
            #expect(sunday.first?.text.contains("Monday to Saturday") == true)
            let refund = try await search(server, a, "refunds card")
            #expect(refund.first?.title == "Returns")
            // 40 sentences of ~11 tokens in 60-token chunks: several chunks, in order, overlapping.
            #expect(outcomes[2].chunkIDs.count >= 6)
            let stored = try await server.services.ingestion.store.allChunks(after: nil, limit: 1000)
            let bikes = stored.map(\.chunk).filter { $0.title == "Bikes" }.sorted { $0.position < $1.position }
            #expect(bikes.map(\.position) == Array(0 ..< bikes.count))
            #expect(stored.first { $0.chunk.title == "Returns" }?.chunk.headingPath == ["Returns", "Refunds"])
        }
    }

    @Test(arguments: TestBackend.available)
    func pdfMadeByGroffIsReadPageByPage(backend: TestBackend) async throws {
        let pdf = try await Self.makePDF("""
            .TL
            Aurora Owner Manual
            .PP
            The Aurora City battery holds 360 Wh and charges in five hours.
            .bp
            .PP
            Second page: the frame warranty lasts a lifetime.
            """)
        try await withServer(backend) { server, a, _ in
            let outcome = try await server.services.ingestion.ingest(
                SourceInput(kind: .pdf, locator: "manual.pdf", payload: .file(pdf)), tenant: a.id)
            #expect(outcome.source.status == .indexed, "\(outcome.source.failureReason ?? "")")
            let hits = try await search(server, a, "frame warranty lifetime")
            #expect(hits.first?.text.contains("lifetime") == true)
            let chunks = try await server.services.ingestion.store.allChunks(after: nil, limit: 10).map(\.chunk)
            #expect(chunks.contains { $0.headingPath == ["Page 2"] })
        }
    }

    @Test(arguments: TestBackend.available)
    func badSourcesFailWithAReasonAndLeaveEarlierContentIntact(backend: TestBackend) async throws {
        try await withServer(backend, maxUpload: 20_000) { server, a, _ in
            let site = try await LocalSiteServer.start([
                "/doc.pdf": .init(contentType: "application/pdf", data: Data("%PDF-1.4".utf8)),
            ])
            defer { Task { await site.stop() } }
            let ingestion = server.services.ingestion
            let good = try await ingestion.ingest(SourceInput(kind: .pdf, locator: "manual.pdf", payload: .file(try await Self.makePDF(".PP\nGood manual text about brakes."))), tenant: a.id)
            #expect(good.source.status == .indexed)
            let cases: [(SourceInput, String)] = [
                (SourceInput(kind: .pdf, locator: "manual.pdf", payload: .file(Data("%PDF-1.7\n%garbage that is not a pdf".utf8))), "could not be read"),
                (SourceInput(kind: .pdf, locator: "notpdf.pdf", payload: .file(Data("hello".utf8))), "not a PDF"),
                (SourceInput(kind: .url, locator: site.url("/missing"), payload: .web(URL(string: site.url("/missing"))!)), "HTTP 404"),
                (SourceInput(kind: .url, locator: site.url("/doc.pdf"), payload: .web(URL(string: site.url("/doc.pdf"))!)), "not an HTML page"),
                (SourceInput(kind: .text, locator: "big.txt", payload: .file(Data(String(repeating: "word ", count: 5000).utf8))), "limit is 20000 bytes"),
                (SourceInput(kind: .faq, locator: "faq.json", payload: .file(Data("{\"nope\": 1}".utf8))), "FAQ JSON"),
                (SourceInput(kind: .text, locator: "blank.txt", payload: .file(Data("   \n  ".utf8))), "no readable text"),
            ]
            for (input, reason) in cases {
                let outcome = try await ingestion.ingest(input, tenant: a.id)
                #expect(outcome.change == .failed)
                #expect(outcome.source.status == .failed)
                #expect(outcome.source.failureReason?.contains(reason) == true, "\(outcome.source.failureReason ?? "nil") lacks \(reason)")
                let stored = try await ingestion.store.source(outcome.source.id, tenant: a.id)
                #expect(stored?.status == .failed)
                #expect(stored?.failureReason == outcome.source.failureReason)
            }
            // The broken re-upload of manual.pdf left its earlier chunks searchable; no other source has chunks.
            #expect(try await search(server, a, "brakes").count == 1)
            #expect(try await server.rowCount("chunks") == good.chunkIDs.count)
        }
    }

    @Test(arguments: TestBackend.available)
    func oneTenantCanNeitherSeeNorDeleteAnothersSources(backend: TestBackend) async throws {
        try await withServer(backend) { server, a, b in
            let ingestion = server.services.ingestion
            let secret = try await ingestion.ingest(SourceInput(kind: .text, title: "A only", payload: .text("The vault code of tenant A is 4711.")), tenant: a.id)
            _ = try await ingestion.ingest(SourceInput(kind: .text, title: "B doc", payload: .text("Tenant B sells umbrellas.")), tenant: b.id)
            #expect(try await search(server, b, "vault code").isEmpty)
            #expect(try await ingestion.store.sources(tenant: b.id).map(\.title) == ["B doc"])
            #expect(try await ingestion.store.source(secret.source.id, tenant: b.id) == nil)
            #expect(try await ingestion.delete(secret.source.id, tenant: b.id) == false)
            #expect(try await ingestion.store.chunkIDs(of: secret.source.id, tenant: b.id).isEmpty)
            #expect(try await search(server, a, "vault code").count == 1)
        }
    }

    @Test func indexesAreRebuiltAtStartAndOrphanedPendingSourcesFail() async throws {
        let database = try await TestDatabase.make(.sqlite)
        defer { Task { await database.destroy() } }
        var server = try await ParleyTestServer.start(database) { $0.app.seedDemo = false }
        let tenant = try await server.services.provisioner(server.stores).createTenant(name: "Restart", slug: "restart").tenant
        _ = try await server.services.ingestion.ingest(SourceInput(kind: .text, title: "Hours", payload: .text("The shop opens at nine.")), tenant: tenant.id)
        // Registered without its input or job (as a version before the job queue left it).
        let stuck = try await server.services.ingestion.register(SourceInput(kind: .text, title: "Stuck", payload: .text("never processed")), tenant: tenant.id).source
        await server.stop()
        server = try await ParleyTestServer.start(database) { $0.app.seedDemo = false }
        let hits = try await search(server, tenant, "shop opens")
        #expect(hits.map(\.title) == ["Hours"])
        let after = try await server.services.ingestion.store.source(stuck.id, tenant: tenant.id)
        #expect(after?.status == .failed)
        #expect(after?.failureReason?.contains("restart") == true)
        await server.stop()
    }

    /// A PDF typeset by groff (Debian's groff package, installed by the test command).
    static func makePDF(_ source: String) async throws -> Data {
        try await offPool { try makePDFBlocking(source) }
    }

    static func makePDFBlocking(_ source: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["groff", "-ms", "-Tpdf"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data((source + "\n").utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, data.starts(with: Data("%PDF-".utf8)) else {
            throw IngestionFailure("groff could not make a PDF (install Debian's groff)")
        }
        return data
    }
}
