import Foundation
import NIOCore
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyIngest
import ParleyLLM
@testable import ParleyServer
import ParleyTestSupport
import Testing

/// `/api/v1/sources`: tenant API key only, every bad request a 4xx JSON error that writes nothing,
/// tenants isolated, and ingested sources cited by the chat.
@Suite("Sources API")
struct SourcesAPITests {
    struct Context {
        var server: ParleyTestServer
        var keyA: String
        var keyB: String
        var widgetKeyA: String
    }

    func withServer(multiTenant: Bool = true, _ body: (Context) async throws -> Void) async throws {
        for backend in TestBackend.available {
            try await ParleyTestServer.with(backend, adjust: { config in
                config.app.seedDemo = false
                config.app.defaultTenant = "alpha"
                config.app.mode = multiTenant ? .multiTenant : .singleTenant
                config.ingest.maxUploadBytes = 50_000
                config.ingest.allowPrivateNetworks = true
            }) { server in
                let provisioner = server.services.provisioner(server.stores)
                let a = try await provisioner.createTenant(name: "Alpha Bikes", slug: "alpha")
                let b = try await provisioner.createTenant(name: "Beta Boats", slug: "beta")
                try await body(Context(server: server, keyA: a.apiKey, keyB: b.apiKey, widgetKeyA: a.tenant.widgetKey))
            }
        }
    }

    func auth(_ key: String) -> [(String, String)] { [("Authorization", "Bearer \(key)")] }

    func post(_ server: ParleyTestServer, key: String, _ json: String, query: String = "?wait=true") async throws -> ParleyTestServer.Reply {
        try await server.send(.POST, "/api/v1/sources\(query)", headers: auth(key), body: Data(json.utf8))
    }

    @Test func createListShowDeleteWithTenantIsolation() async throws {
        try await withServer { context in
            let server = context.server
            let created = try await post(server, key: context.keyA, #"{"kind": "text", "title": "Opening hours", "content": "The Alpha shop opens at nine and closes at six."}"#)
            #expect(created.status == 201)
            #expect(created.json["status"]?.stringValue == "indexed")
            #expect(created.json["chunk_count"]?.doubleValue == 1)
            let id = try #require(created.json["id"]?.stringValue)
            #expect(created.json["content_hash"] == nil)

            let list = try await server.send(.GET, "/api/v1/sources", headers: auth(context.keyA))
            #expect(list.json["sources"]?.arrayValue?.count == 1)
            let shown = try await server.send(.GET, "/api/v1/sources/\(id)", headers: auth(context.keyA))
            #expect(shown.json["title"]?.stringValue == "Opening hours")

            // Tenant B sees nothing of A's and cannot delete it.
            let listB = try await server.send(.GET, "/api/v1/sources", headers: auth(context.keyB))
            #expect(listB.json["sources"]?.arrayValue?.isEmpty == true)
            #expect(try await server.send(.GET, "/api/v1/sources/\(id)", headers: auth(context.keyB)).errorCode == "unknown_source")
            let foreignDelete = try await server.send(.DELETE, "/api/v1/sources/\(id)", headers: auth(context.keyB))
            #expect(foreignDelete.status == 404)
            #expect(try await server.rowCount("chunks") == 1)

            let deleted = try await server.send(.DELETE, "/api/v1/sources/\(id)", headers: auth(context.keyA))
            #expect(deleted.status == 204)
            #expect(try await server.rowCount("chunks") == 0)
            #expect(try await server.send(.DELETE, "/api/v1/sources/\(id)", headers: auth(context.keyA)).status == 404)
        }
    }

    @Test func backgroundIngestionGoesFromPendingToIndexedAndUploadsWork() async throws {
        try await withServer { context in
            let server = context.server
            let accepted = try await post(server, key: context.keyA, #"{"kind": "faq", "title": "FAQ", "faq": [{"question": "Do you rent bikes?", "answer": "Yes, from 15 euros a day."}]}"#, query: "")
            #expect(accepted.status == 202)
            #expect(accepted.json["status"]?.stringValue == "pending")
            let id = try #require(accepted.json["id"]?.stringValue)
            // The in-process worker picks the job up; polling the API shows it finish.
            var shown = try await server.send(.GET, "/api/v1/sources/\(id)", headers: auth(context.keyA))
            let deadline = ContinuousClock.now + .seconds(10)
            while shown.json["status"]?.stringValue == "pending", ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                shown = try await server.send(.GET, "/api/v1/sources/\(id)", headers: auth(context.keyA))
            }
            #expect(shown.json["status"]?.stringValue == "indexed")

            let markdown = "# Rentals\n\nRental bikes must be back by 8 pm."
            let upload = try await server.send(.POST, "/api/v1/sources?wait=true", headers: auth(context.keyA),
                                               body: Self.multipart(file: "rentals.md", markdown), contentType: Self.multipartType)
            #expect(upload.status == 201)
            #expect(upload.json["kind"]?.stringValue == "markdown")
            #expect(upload.json["title"]?.stringValue == "Rentals")

            // A rotated key replaces the old one at once.
            let rotated = try await server.services.provisioner(server.stores).rotateAPIKey(slug: "alpha")
            #expect(try await server.send(.GET, "/api/v1/sources", headers: auth(context.keyA)).status == 401)
            #expect(try await server.send(.GET, "/api/v1/sources", headers: auth(rotated.apiKey)).json["sources"]?.arrayValue?.count == 2)
        }
    }

    @Test func badRequestsAreClearErrorsAndWriteNothing() async throws {
        try await withServer { context in
            let server = context.server
            let key = context.keyA
            let cases: [(ParleyTestServer.Reply, Int, String)] = try await [
                (server.send(.GET, "/api/v1/sources"), 401, "missing_api_key"),
                (server.send(.GET, "/api/v1/sources", headers: auth("sk_wrong")), 401, "invalid_api_key"),
                (server.send(.GET, "/api/v1/sources", headers: auth(String(repeating: "x", count: 5000))), 401, "invalid_api_key"),
                (server.send(.GET, "/api/v1/sources", headers: [("X-Parley-Tenant", context.widgetKeyA)]), 401, "missing_api_key"),
                (post(server, key: key, "{\"kind\": "), 400, "invalid_json"),
                (post(server, key: key, "[]"), 400, "invalid_json"),
                (post(server, key: key, #"{"kind": "video", "content": "x"}"#), 400, "invalid_kind"),
                (post(server, key: key, #"{"kind": "text", "content": "   "}"#), 400, "empty_content"),
                (post(server, key: key, #"{"kind": "text", "content": "a\u0000b"}"#), 400, "invalid_characters"),
                (post(server, key: key, #"{"kind": "text", "title": "\u0007bell", "content": "x"}"#), 400, "invalid_title"),
                (post(server, key: key, #"{"kind": "text", "agent": "../../etc", "content": "x"}"#), 400, "unknown_agent"),
                (post(server, key: key, #"{"kind": "text", "agent": "nosuchagent", "content": "x"}"#), 400, "unknown_agent"),
                (post(server, key: key, #"{"kind": "url", "url": "javascript:alert(1)"}"#), 400, "invalid_url"),
                (post(server, key: key, #"{"kind": "url", "url": "file:///etc/passwd"}"#), 400, "invalid_url"),
                (post(server, key: key, #"{"kind": "url", "url": "https://user:pw@example.test/"}"#), 400, "invalid_url"),
                (post(server, key: key, #"{"kind": "url"}"#), 400, "invalid_url"),
                (post(server, key: key, #"{"kind": "pdf", "content": "x"}"#), 400, "upload_required"),
                (post(server, key: key, #"{"kind": "faq", "faq": []}"#), 400, "empty_content"),
                (server.send(.POST, "/api/v1/sources", headers: auth(key), body: Data("kind=text".utf8), contentType: "text/plain"), 415, "unsupported_media_type"),
                (server.send(.POST, "/api/v1/sources", headers: auth(key), body: Data("--x--".utf8), contentType: Self.multipartType), 400, "invalid_upload"),
                (server.send(.POST, "/api/v1/sources", headers: auth(key), body: Self.multipart(file: "../../etc/passwd", "x"), contentType: Self.multipartType), 400, "invalid_file_name"),
                (server.send(.POST, "/api/v1/sources", headers: auth(key), body: Self.multipart(file: "empty.txt", ""), contentType: Self.multipartType), 400, "empty_content"),
                // A part header name outside ASCII made MultipartKit trap and stop the server (found by schemathesis).
                (server.send(.POST, "/api/v1/sources", headers: auth(key), body: Data("--parleyboundary\r\n".utf8) + Data([0xC3, 0x9C, 0x69, 0xF3, 0x94, 0xBD, 0xBE])
                    + Data("--parleyboundary--\r\n".utf8), contentType: Self.multipartType), 400, "invalid_upload"),
                (server.send(.POST, "/api/v1/sources", headers: auth(key), body: Self.multipart(file: "x.txt", "x"),
                             contentType: "multipart/form-data; boundary=" + String(repeating: "b", count: 71)), 400, "invalid_upload"),
                (server.send(.POST, "/api/v1/sources", headers: auth(key), body: Data(String(repeating: "{", count: 200_000).utf8)), 413, "payload_too_large"),
                (server.send(.GET, "/api/v1/sources/not-a-uuid", headers: auth(key)), 404, "unknown_source"),
                (server.send(.DELETE, "/api/v1/sources/\(UUID().uuidString)", headers: auth(key)), 404, "unknown_source"),
            ]
            for (reply, status, code) in cases {
                #expect(reply.status == status, "\(code): got \(reply.status) \(String(decoding: reply.body, as: UTF8.self))")
                #expect(reply.errorCode == code)
                #expect(reply.json["error"]?["message"]?.stringValue?.isEmpty == false)
            }
            #expect(try await server.rowCount("sources") == 0)
            #expect(try await server.rowCount("chunks") == 0)
            // A failing URL source is stored as failed, with its reason, and no chunks.
            let site = try await LocalSiteServer.start([:])
            defer { Task { await site.stop() } }
            let failed = try await post(server, key: key, #"{"kind": "url", "url": "\#(site.url("/gone"))"}"#)
            #expect(failed.status == 200)
            #expect(failed.json["status"]?.stringValue == "failed")
            #expect(failed.json["failure_reason"]?.stringValue?.contains("HTTP 404") == true)
            #expect(try await server.rowCount("chunks") == 0)
        }
    }

    @Test func chatAnswersCiteIngestedSources() async throws {
        try await withServer(multiTenant: false) { context in
            let server = context.server
            let demo = try #require(try await server.stores.tenants.tenant(slug: "alpha"))
            let site = try await LocalSiteServer.start([
                "/warranty": .init(body: "<html><head><title>Warranty</title></head><body><h1>Warranty</h1><p>Every frame carries a lifetime warranty for the first owner.</p></body></html>"),
            ])
            defer { Task { await site.stop() } }
            let indexed = try await server.services.ingestion.ingest(
                .init(kind: .url, locator: site.url("/warranty"), payload: .web(URL(string: site.url("/warranty"))!)), tenant: demo.id)
            #expect(indexed.source.status == .indexed)

            let (events, key) = try await server.chatTurn("How long is the frame warranty?")
            let citations = try #require(events.first { $0.event == "citations" })
            let first = try #require(citations.json["citations"]?.arrayValue?.first ?? citations.json.arrayValue?.first)
            #expect(first["title"]?.stringValue == "Warranty")
            #expect(first["url"]?.stringValue == site.url("/warranty"))
            #expect(first["chunk_id"]?.stringValue == indexed.chunkIDs.first?.description)
            #expect(first["snippet"]?.stringValue?.contains("lifetime warranty") == true)
            #expect(first["number"]?.doubleValue == 1)
            let answer = events.filter { $0.event == "token" }.map { $0.json["text"]?.stringValue ?? $0.data }.joined()
            #expect(answer.contains("lifetime warranty"))
            #expect(answer.contains("[1]"))
            // The stored answer carries the same citations.
            let history = try await server.send(.GET, "/a/sales/history", headers: [("X-Parley-Session", key)])
            let stored = history.json["messages"]?.arrayValue?.last
            #expect(stored?["citations"]?.arrayValue?.first?["chunk_id"]?.stringValue == indexed.chunkIDs.first?.description)
        }
    }

    static let multipartType = "multipart/form-data; boundary=parleyboundary"

    @Test func multipartHeaderCheckReadsNamesOnlyAndStaysLinear() {
        func check(_ text: String) -> Bool { MultipartHeaderCheck.namesAreASCII(ByteBuffer(string: text), boundary: "b") }
        #expect(check("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"résumé.pdf\"\r\n\r\nÜber alles\r\n--b--\r\n"),
                "UTF-8 in header values and bodies is fine")
        #expect(!check("--b\r\nÜ: x\r\n\r\nbody\r\n--b--\r\n"))
        #expect(!check("--b\r\nX-A: 1\r\nNämlich: 2\r\n\r\n\r\n--b--"))
        #expect(check("no boundary at all: Ü"))
        // Many delimiters with no blank line between them: each line is read once.
        let hostile = String(repeating: "--b\r\nx", count: 400_000)
        let started = ContinuousClock.now
        #expect(check(hostile))
        #expect(ContinuousClock.now - started < .seconds(20), "linear in the body")
        #expect(MultipartHeaderCheck.occurrences(of: Array("aab".utf8), in: Array("aaabaab".utf8)) == [1, 4])
    }

    static func multipart(file name: String, _ content: String) -> Data {
        Data("""
        --parleyboundary\r
        Content-Disposition: form-data; name="file"; filename="\(name)"\r
        Content-Type: application/octet-stream\r
        \r
        \(content)\r
        --parleyboundary--\r

        """.utf8)
    }
}
