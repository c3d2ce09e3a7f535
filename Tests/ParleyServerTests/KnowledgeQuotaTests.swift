import Foundation
import NIOCore
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyServer
import ParleyTestSupport
import Testing

/// Each tenant's knowledge base has quotas on sources, chunks, stored text and pages crawled a
/// day: a submission past one is refused with `403 quota_exceeded` naming it and writes nothing;
/// a source whose chunks would pass one fails with the reason; another tenant is not affected.
@Suite("Knowledge quotas")
struct KnowledgeQuotaTests {
    func withTenants(_ backend: TestBackend, settings: [String], adjust: @escaping @Sendable (inout ParleyConfig) -> Void = { _ in },
                     _ body: (ParleyTestServer, _ limited: String, _ other: String) async throws -> Void) async throws {
        try await ParleyTestServer.with(backend, adjust: { config in
            config.app.seedDemo = false
            config.app.mode = .multiTenant
            config.ingest.allowPrivateNetworks = true
            adjust(&config)
        }) { server in
            let provisioner = server.services.provisioner(server.stores)
            let limited = try await provisioner.createTenant(name: "Limited", slug: "limited")
            let other = try await provisioner.createTenant(name: "Other", slug: "other")
            _ = try await provisioner.editSettings(slug: "limited", assignments: settings, removals: [])
            try await body(server, limited.apiKey, other.apiKey)
        }
    }

    /// `?wait=true` waits for the ingestion job (the server gives a crawl minutes; so does the
    /// test client, see `ParleyTestServer.send`).
    func add(_ server: ParleyTestServer, key: String, _ json: String) async throws -> ParleyTestServer.Reply {
        try await server.send(.POST, "/api/v1/sources?wait=true", headers: [("Authorization", "Bearer \(key)")], body: Data(json.utf8))
    }

    func text(_ title: String, _ content: String) -> String {
        let body = try! JSONSerialization.data(withJSONObject: ["kind": "text", "title": title, "content": content])
        return String(decoding: body, as: UTF8.self)
    }

    @Test(arguments: TestBackend.available)
    func aNewSourcePastTheSourceQuotaIsRefusedAndWritesNothing(_ backend: TestBackend) async throws {
        try await withTenants(backend, settings: ["quotas.sources=2"]) { server, limited, other in
            for index in 0 ..< 2 { #expect(try await add(server, key: limited, text("Doc \(index)", "Some text number \(index).")).status == 201) }
            let sources = try await server.rowCount("sources")
            let jobs = try await server.jobCount(kind: "ingest.source")
            let refused = try await add(server, key: limited, text("Doc 3", "One too many."))
            #expect(refused.status == 403, "\(refused.status)")
            #expect(refused.errorCode == "quota_exceeded")
            #expect(refused.json["error"]?["message"]?.stringValue?.contains("quotas.sources") == true)
            #expect(try await server.rowCount("sources") == sources)
            #expect(try await server.rowCount("source_inputs") == 0)
            #expect(try await server.jobCount(kind: "ingest.source") == jobs, "no ingestion job was queued for the refused source")
            // The other tenant's quota is its own.
            for index in 0 ..< 3 { #expect(try await add(server, key: other, text("Doc \(index)", "Text \(index).")).status == 201) }
        }
    }

    @Test(arguments: TestBackend.available)
    func aSourceWhoseChunksWouldPassTheChunkQuotaFailsWithTheReason(_ backend: TestBackend) async throws {
        try await withTenants(backend, settings: ["quotas.chunks=3"]) { server, limited, _ in
            #expect(try await add(server, key: limited, text("Small", "A short note.")).json["status"]?.stringValue == "indexed")
            let paragraphs = (0 ..< 40).map { "Paragraph \($0) talks at some length about bicycles, their frames, gears and brakes, and how to keep them." }
            let big = try await add(server, key: limited, text("Manual", paragraphs.joined(separator: "\n\n")))
            #expect(big.json["status"]?.stringValue == "failed")
            #expect(big.json["failure_reason"]?.stringValue?.contains("quotas.chunks") == true, "\(big.json)")
            #expect(try await server.rowCount("chunks") == 1, "the failed source stored no chunk; the first keeps its own")
        }
    }

    @Test(arguments: TestBackend.available)
    func storedTextIsBoundedAtSubmissionAndAtIngestion(_ backend: TestBackend) async throws {
        try await withTenants(backend, settings: ["quotas.stored_bytes=2000"]) { server, limited, _ in
            #expect(try await add(server, key: limited, text("First", String(repeating: "word ", count: 200))).status == 201)   // 1,000 bytes
            let refused = try await add(server, key: limited, text("Second", String(repeating: "more ", count: 250)))
            #expect(refused.status == 403 && refused.errorCode == "quota_exceeded")
            #expect(refused.json["error"]?["message"]?.stringValue?.contains("quotas.stored_bytes") == true)
            // Replacing the same source with text of its own size stays within the quota.
            #expect(try await add(server, key: limited, text("Third", String(repeating: "tiny ", count: 100))).status == 201)
        }
    }

    @Test func crawlsStopAtTheDailyPageQuota() async throws {
        var pages: [String: LocalSiteServer.Page] = [
            "/robots.txt": .init(contentType: "text/plain", body: "User-agent: *\nAllow: /\n"),
        ]
        let links = (1 ... 5).map { "<a href=\"/p\($0)\">Page \($0)</a>" }.joined(separator: " ")
        pages["/"] = .init(body: "<html><head><title>Home</title></head><body><main><p>Welcome home.</p>\(links)</main></body></html>")
        for index in 1 ... 5 { pages["/p\(index)"] = .init(body: "<html><head><title>Page \(index)</title></head><body><main><p>Page \(index) text.</p></main></body></html>") }
        let site = try await LocalSiteServer.start(pages)
        defer { Task { await site.stop() } }
        try await withTenants(.sqlite, settings: ["quotas.crawl_pages_per_day=3"], adjust: { $0.ingest.useSitemap = false }) { server, limited, other in
            let url = site.url("/")
            let first = try await add(server, key: limited, #"{"kind": "url", "url": "\#(url)"}"#)
            #expect(first.json["status"]?.stringValue == "indexed", "\(first.json)")
            let crawled = await site.hits.filter { $0.path != "/robots.txt" }.count
            #expect(crawled == 3, "three pages fetched, then the day's quota ended the crawl (\(crawled))")
            let second = try await add(server, key: limited, #"{"kind": "url", "url": "\#(site.url("/p5"))"}"#)
            #expect(second.json["status"]?.stringValue == "failed")
            #expect(second.json["failure_reason"]?.stringValue?.contains("quotas.crawl_pages_per_day") == true, "\(second.json)")
            // Another tenant crawls on its own quota.
            let others = try await add(server, key: other, #"{"kind": "url", "url": "\#(url)"}"#)
            #expect(others.json["status"]?.stringValue == "indexed")
        }
    }
}
