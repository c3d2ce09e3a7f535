import Foundation
import Logging
import NIOCore
import ParleyCore
import ParleyRetrieval

/// Fetches a web page and, within the limits, the pages of the same site it links to or its
/// sitemap lists, honouring robots.txt and sending the configured User-Agent. The start page
/// must load as HTML or the whole source fails with the reason; pages found later that fail
/// are skipped. When the start page redirects to another site (example.com to
/// www.example.com), the crawl continues on the site it landed on.
///
/// Every connection goes to an address checked against the policy (`PinnedFetcher`), through
/// every redirect and every later fetch, so neither a redirect nor a name that changes its
/// answer reaches the server's own networks.
public struct WebCrawler: Sendable {
    public struct Settings: Sendable, Equatable {
        public var userAgent: String
        public var maxDepth: Int
        public var maxPages: Int
        public var useSitemap: Bool
        /// One deadline over each fetch: lookups, connecting, redirects, the response head and the whole body.
        public var timeout: Duration
        /// One deadline over a whole crawl (robots.txt, sitemaps and every page).
        public var crawlTimeout: Duration
        public var maxBytes: Int
        public var addresses: FetchAddressPolicy

        public init(userAgent: String, maxDepth: Int, maxPages: Int, useSitemap: Bool, timeout: Duration, maxBytes: Int,
                    addresses: FetchAddressPolicy = FetchAddressPolicy(), crawlTimeout: Duration = .seconds(300)) {
            self.addresses = addresses
            self.crawlTimeout = crawlTimeout
            self.userAgent = userAgent
            self.maxDepth = max(0, maxDepth)
            self.maxPages = max(1, maxPages)
            self.useSitemap = useSitemap
            self.timeout = timeout
            self.maxBytes = maxBytes
        }
    }

    public let settings: Settings
    private let resolver: any HostResolver
    private let logger: Logger

    public init(settings: Settings, resolver: any HostResolver = SystemHostResolver(), logger: Logger = Logger(label: "parley.crawler")) {
        self.settings = settings
        self.resolver = resolver
        self.logger = logger
    }

    /// Crawls from `start` within `crawlTimeout`, and at most `maxPages` pages: pages found when
    /// it runs out are kept (the start page must have loaded), and the crawl stops.
    /// `budget` (a tenant's daily crawl quota) is asked before every page fetch; the start page
    /// fails when it has none left, later pages end the crawl.
    public func crawl(_ start: URL, budget: CrawlPageBudget? = nil) async throws -> [LoadedPage] {
        guard let scheme = start.scheme?.lowercased(), scheme == "http" || scheme == "https", let host = start.host, !host.isEmpty else {
            throw IngestionFailure("only http and https URLs can be fetched")
        }
        let fetcher = PinnedFetcher(policy: settings.addresses, resolver: resolver, userAgent: settings.userAgent, maxBytes: settings.maxBytes)
        let run = CrawlRun(settings: settings, budget: budget, fetcher: fetcher, logger: logger,
                           deadline: ContinuousClock.now + settings.crawlTimeout)
        do {
            let pages = try await run.crawl(start)
            await fetcher.shutdown()
            return pages
        } catch {
            await fetcher.shutdown()
            throw error
        }
    }

    /// One crawl's walk over a site.
    struct CrawlRun {
        let settings: Settings
        let budget: CrawlPageBudget?
        let fetcher: PinnedFetcher
        let logger: Logger
        let deadline: ContinuousClock.Instant

        func crawl(_ start: URL) async throws -> [LoadedPage] {
            var robots = try await robotsRules(for: Site(start))
            guard robots.allows(WebCrawler.pathAndQuery(start)) else {
                throw IngestionFailure("robots.txt does not allow fetching \(PinnedFetcher.shortened(start.absoluteString))")
            }
            if let budget, try await !budget.take() { throw budget.exhausted }
            let first = try await fetchPage(start)
            var site = Site(start)
            if !site.contains(first.page.url) {
                // Redirected to another site: its robots.txt rules the rest of the crawl.
                site = Site(first.page.url)
                robots = try await robotsRules(for: site)
                guard robots.allows(WebCrawler.pathAndQuery(first.page.url)) else {
                    throw IngestionFailure("robots.txt does not allow fetching \(PinnedFetcher.shortened(first.page.url.absoluteString))")
                }
            }
            var pages = [first.page.loaded]
            var seen: Set<String> = [WebCrawler.normalised(start), WebCrawler.normalised(first.page.url)]
            var queue: [(url: URL, depth: Int)] = []
            if settings.maxDepth > 0 {
                for url in first.links(on: site, robots: robots) where seen.insert(WebCrawler.normalised(url)).inserted { queue.append((url, 1)) }
                if settings.useSitemap {
                    for url in await sitemapURLs(site: site, robots: robots) where seen.insert(WebCrawler.normalised(url)).inserted {
                        queue.append((url, 1))
                    }
                }
            }
            var index = 0
            while index < queue.count, pages.count < settings.maxPages {
                let (url, depth) = queue[index]
                index += 1
                if ContinuousClock.now >= deadline {
                    logger.info("crawl stopped at its deadline", metadata: ["event": "crawl_deadline", "pages": "\(pages.count)"])
                    break
                }
                if let budget, try await !budget.take() {
                    logger.info("crawl stopped at the tenant's daily page quota", metadata: ["event": "crawl_quota", "pages": "\(pages.count)"])
                    break
                }
                let fetched: FetchedPage
                do {
                    fetched = try await fetchPage(url)
                } catch let failure as IngestionFailure {
                    logger.info("skipped a page of a crawl", metadata: ["event": "crawl_skip", "reason": "\(failure.reason)"])
                    continue
                }
                // A page that redirects off the site, or to a page already read, adds nothing.
                guard site.contains(fetched.page.url), fetched.page.url == url || seen.insert(WebCrawler.normalised(fetched.page.url)).inserted else { continue }
                pages.append(fetched.page.loaded)
                guard depth < settings.maxDepth else { continue }
                for next in fetched.links(on: site, robots: robots) where seen.insert(WebCrawler.normalised(next)).inserted {
                    queue.append((next, depth + 1))
                }
            }
            return pages
        }

        struct FetchedPage {
            var page: (loaded: LoadedPage, url: URL)
            var links: [String]

            /// The page's links that stay on `site` and that robots.txt allows.
            func links(on site: Site, robots: RobotsRules) -> [URL] {
                links.compactMap { link in
                    guard let next = URL(string: link, relativeTo: page.url)?.absoluteURL, site.contains(next),
                          robots.allows(WebCrawler.pathAndQuery(next)) else { return nil }
                    return next
                }
            }
        }

        private func fetchPage(_ url: URL) async throws -> FetchedPage {
            let response: PinnedFetcher.Response
            do {
                response = try await get(url)
            } catch is PinnedFetcher.Oversized {
                throw IngestionFailure("\(PinnedFetcher.shortened(url.absoluteString)) is larger than \(settings.maxBytes) bytes (ingest.max_upload_bytes)")
            }
            let name = PinnedFetcher.shortened(response.url.absoluteString)
            guard (200 ..< 300).contains(response.status) else {
                throw IngestionFailure("\(name) answered HTTP \(response.status)")
            }
            let type = response.contentType.lowercased()
            guard type.hasPrefix("text/html") || type.hasPrefix("application/xhtml+xml") else {
                throw IngestionFailure("\(name) is not an HTML page (content type \(type.isEmpty ? "none" : String(type.prefix(100))))")
            }
            let html = WebCrawler.decode(response.body, contentType: type)
            let document = HTMLTextExtractor().extract(html, fallbackTitle: response.url.host ?? response.url.absoluteString)
            let loaded = LoadedPage(title: document.title, url: response.url.absoluteString, document: document)
            return FetchedPage(page: (loaded, response.url), links: document.links)
        }

        private func robotsRules(for site: Site) async throws -> RobotsRules {
            guard let url = URL(string: "/robots.txt", relativeTo: site.root)?.absoluteURL else { return .allowAll }
            let response: PinnedFetcher.Response
            do {
                response = try await get(url)
            } catch is PinnedFetcher.Oversized {
                return .allowAll
            }
            switch response.status {
            case 200 ..< 300: return RobotsRules(parsing: WebCrawler.decode(response.body, contentType: response.contentType), userAgent: settings.userAgent)
            case 400 ..< 500: return .allowAll
            default: throw IngestionFailure("robots.txt answered HTTP \(response.status); not fetching the site until it is reachable")
            }
        }

        private func sitemapURLs(site: Site, robots: RobotsRules) async -> [URL] {
            var sitemaps = robots.sitemaps.compactMap { URL(string: $0) }
            if sitemaps.isEmpty, let fallback = URL(string: "/sitemap.xml", relativeTo: site.root)?.absoluteURL { sitemaps = [fallback] }
            var urls: [URL] = []
            var visited = 0
            while !sitemaps.isEmpty, visited < 10, urls.count < settings.maxPages * 4 {
                let sitemap = sitemaps.removeFirst()
                visited += 1
                guard site.contains(sitemap), let response = try? await get(sitemap), (200 ..< 300).contains(response.status),
                      site.contains(response.url) else { continue }
                let xml = WebCrawler.decode(response.body, contentType: response.contentType)
                let locations = SitemapParser.locations(in: xml).compactMap { URL(string: $0) }.filter(site.contains)
                if SitemapParser.isIndex(xml) { sitemaps += locations } else { urls += locations.filter { robots.allows(WebCrawler.pathAndQuery($0)) } }
            }
            return urls
        }

        /// One fetch under the fetch timeout or what is left of the crawl's, whichever ends first.
        private func get(_ url: URL) async throws -> PinnedFetcher.Response {
            let timeout = min(settings.timeout, ContinuousClock.now.duration(to: deadline))
            guard timeout > .zero else {
                throw IngestionFailure("\(PinnedFetcher.shortened(url.absoluteString)) was not fetched: the crawl ran out of time")
            }
            return try await fetcher.get(url, timeout: timeout)
        }
    }

    static func decode(_ buffer: ByteBuffer, contentType: String) -> String {
        let bytes = Data(buffer.readableBytesView)
        if let text = String(data: bytes, encoding: .utf8) { return text }
        if contentType.contains("8859-1") || contentType.contains("latin1") || contentType.contains("1252") {
            return String(data: bytes, encoding: .isoLatin1) ?? ""
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func pathAndQuery(_ url: URL) -> String {
        let path = url.path.isEmpty ? "/" : url.path
        return url.query.map { "\(path)?\($0)" } ?? path
    }

    static func normalised(_ url: URL) -> String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: true)
        components?.fragment = nil
        if components?.path.isEmpty == true { components?.path = "/" }
        return components?.string?.lowercased() ?? url.absoluteString
    }

    /// Scheme, host and port of the start URL: the crawl stays within it.
    struct Site {
        let scheme: String
        let host: String
        let port: Int?
        let root: URL

        init(_ url: URL) {
            scheme = url.scheme?.lowercased() ?? "https"
            host = url.host?.lowercased() ?? ""
            port = url.port
            var components = URLComponents()
            components.scheme = scheme
            components.host = host
            components.port = port
            components.path = "/"
            root = components.url ?? url
        }

        func contains(_ url: URL) -> Bool {
            url.scheme?.lowercased() == scheme && url.host?.lowercased() == host && url.port == port
        }
    }
}
