import Foundation
import ParleyCore
import ParleyIngest
import ParleyRetrieval
import ParleyTestSupport
import Testing

@Suite("Web crawler")
struct WebCrawlerTests {
    static let userAgent = "ParleyTestBot/1.0 (+https://parley.test/bot)"

    static func page(_ title: String, _ body: String) -> LocalSiteServer.Page {
        .init(body: "<html><head><title>\(title)</title></head><body><main><h1>\(title)</h1>\(body)</main></body></html>")
    }

    static let pages: [String: LocalSiteServer.Page] = [
        "/": page("Home", """
            <p>Welcome to the shop.</p><a href="/about">About</a> <a href="pricing#plans">Pricing</a>
            <a href="https://elsewhere.test/x">External</a> <a href="/private/secret">Secret</a> <a href="mailto:a@b.test">Mail</a>
            """),
        "/about": page("About", "<p>We are a small team.</p><a href=\"/deep\">Deeper</a>"),
        "/pricing": page("Pricing", "<p>Plans start at ten euros.</p><a href=\"/\">Home</a>"),
        "/deep": page("Deep", "<p>Two links away.</p>"),
        "/private/secret": page("Secret", "<p>Do not index.</p>"),
        "/from-sitemap": page("From sitemap", "<p>Only the sitemap links here.</p>"),
        "/robots.txt": .init(contentType: "text/plain", body: "User-agent: *\nDisallow: /private/\n"),
        "/sitemap.xml": .init(contentType: "application/xml", body: """
            <?xml version="1.0"?><urlset><url><loc>{{origin}}/from-sitemap</loc></url>
            <url><loc>https://elsewhere.test/y</loc></url></urlset>
            """),
        "/brochure.pdf": .init(contentType: "application/pdf", data: Data("%PDF-1.4 not really".utf8)),
        "/big": .init(body: "<p>" + String(repeating: "x", count: 50_000) + "</p>"),
    ]

    func crawler(maxDepth: Int = 1, maxPages: Int = 20, sitemap: Bool = true, maxBytes: Int = 1 << 20,
                 privateOK: Bool = true, timeout: Duration = .seconds(10)) -> WebCrawler {
        crawler(maxDepth: maxDepth, maxPages: maxPages, sitemap: sitemap, maxBytes: maxBytes, timeout: timeout,
                addresses: FetchAddressPolicy(allowPrivateNetworks: privateOK))
    }

    func crawler(maxDepth: Int = 1, maxPages: Int = 20, sitemap: Bool = true, maxBytes: Int = 1 << 20, timeout: Duration = .seconds(10),
                 addresses: FetchAddressPolicy, resolver: any HostResolver = SystemHostResolver()) -> WebCrawler {
        WebCrawler(settings: .init(userAgent: Self.userAgent, maxDepth: maxDepth, maxPages: maxPages, useSitemap: sitemap,
                                   timeout: timeout, maxBytes: maxBytes, addresses: addresses),
                   resolver: resolver)
    }

    @Test func followsSameSiteLinksAndTheSitemapWithinDepthAndRobots() async throws {
        let site = try await LocalSiteServer.start(Self.pages)
        defer { Task { await site.stop() } }
        let pages = try await crawler().crawl(URL(string: site.url("/"))!)
        #expect(Set(pages.map(\.title)) == ["Home", "About", "Pricing", "From sitemap"])
        #expect(pages.first?.url == site.url("/"))
        #expect(pages.first { $0.title == "Pricing" }?.document.fullText.contains("ten euros") == true)
        let hits = await site.hits
        #expect(!hits.contains { $0.path.hasPrefix("/private") }, "robots.txt disallows /private/")
        #expect(!hits.contains { $0.path == "/deep" }, "depth 1 stops before /deep")
        #expect(hits.contains { $0.path == "/robots.txt" })
        #expect(hits.allSatisfy { $0.userAgent == Self.userAgent })
    }

    @Test func depthZeroWithoutSitemapIsOnePageAndPageLimitHolds() async throws {
        let site = try await LocalSiteServer.start(Self.pages)
        defer { Task { await site.stop() } }
        let one = try await crawler(maxDepth: 0, sitemap: false).crawl(URL(string: site.url("/"))!)
        #expect(one.map(\.title) == ["Home"])
        let two = try await crawler(maxDepth: 3, maxPages: 2).crawl(URL(string: site.url("/"))!)
        #expect(two.count == 2)
    }

    @Test func failuresOfTheStartPageNameTheReason() async throws {
        let site = try await LocalSiteServer.start(Self.pages)
        defer { Task { await site.stop() } }
        let cases: [(String, String)] = [
            ("/missing", "HTTP 404"),
            ("/brochure.pdf", "not an HTML page (content type application/pdf)"),
            ("/private/secret", "robots.txt does not allow"),
            ("/big", "larger than 10000 bytes"),
        ]
        for (path, reason) in cases {
            do {
                _ = try await crawler(maxBytes: 10_000).crawl(URL(string: site.url(path))!)
                Issue.record("\(path) should fail")
            } catch let failure as IngestionFailure {
                #expect(failure.reason.contains(reason), "\(failure.reason)")
            }
        }
    }

    @Test func privateAddressesAreRefusedUnlessAllowed() async throws {
        let site = try await LocalSiteServer.start(Self.pages)
        defer { Task { await site.stop() } }
        for url in [site.url("/"), "http://localhost:1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]:80/", "http://10.1.2.3/"] {
            await #expect(throws: IngestionFailure.self) { try await crawler(privateOK: false).crawl(URL(string: url)!) }
        }
        #expect(await site.hits.isEmpty, "nothing was fetched from a refused address")
        for url in ["ftp://example.test/file", "file:///etc/passwd", "javascript:alert(1)"] {
            await #expect(throws: IngestionFailure.self) { try await crawler().crawl(URL(string: url)!) }
        }
    }
}
