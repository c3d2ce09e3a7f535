import Foundation
import ParleyCore
import ParleyServer
import ParleyTestSupport
import Testing
import Vapor

/// The OpenAPI document describes exactly the API the server serves: every route of the JSON
/// APIs is documented with its method, and nothing documented is missing from the server.
@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    /// Routes that are pages or assets, not API operations.
    static let pages: Set<String> = ["GET /", "GET /demo", "GET /a/{agent}", "GET /widget.js", "GET /openapi.json", "GET /docs"]

    @Test func documentAndRoutesAgree() async throws {
        try await ParleyTestServer.with(.sqlite) { server in
            let registered = Set(server.app.routes.all.map { route in
                "\(route.method.rawValue) /" + route.path.map { component -> String in
                    let text = "\(component)"
                    return text.hasPrefix(":") ? "{\(text.dropFirst())}" : text
                }.joined(separator: "/")
            }).subtracting(Self.pages).filter { !$0.contains(" /admin") }

            let reply = try await server.send(.GET, "/openapi.json")
            #expect(reply.status == 200 && reply.headers.contentType == .json)
            #expect(reply.json["openapi"]?.stringValue == "3.1.0")
            guard case let .object(paths)? = reply.json["paths"] else { Issue.record("no paths"); return }
            var documented = Set<String>()
            for (path, item) in paths {
                for method in ["get", "post", "put", "patch", "delete"] where item[method] != nil {
                    documented.insert("\(method.uppercased()) \(path)")
                    #expect(item[method]?["responses"] != nil, "\(method) \(path) lists its responses")
                }
            }
            #expect(registered.subtracting(documented).sorted() == [], "served but not documented")
            #expect(documented.subtracting(registered).sorted() == [], "documented but not served")
        }
    }

    @Test func docsPageShowsEveryOperationEscaped() async throws {
        try await ParleyTestServer.with(.sqlite) { server in
            let page = try await server.send(.GET, "/docs")
            let html = String(decoding: page.body, as: UTF8.self)
            #expect(page.status == 200 && page.headers.contentType == .html)
            #expect(page.headers.first(name: "Content-Security-Policy")?.contains("default-src 'none'") == true)
            for path in ["/api/v1/admin/tenants/{slug}/playground", "/a/{agent}/chat", "/api/v1/sources/{id}/chunks"] {
                #expect(html.contains("<code>\(path)</code>"), "\(path)")
            }
            #expect(html.contains("one of hybrid, dense, lexical, off") || html.contains("one of hybrid, dense, lexical, off, null"))
            #expect(!html.contains("<script"), "no script on the page")
            // "The caller's tenants" arrives escaped.
            #expect(html.contains("The caller&#39;s tenants"))
        }
    }
}
