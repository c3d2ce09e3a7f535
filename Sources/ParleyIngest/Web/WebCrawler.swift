import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ParleyCore
import ParleyRetrieval

/// Fetches a web page and, within the limits, the pages of the same site it links to or its
/// sitemap lists, honouring robots.txt and sending the configured User-Agent. The start page
/// must load as HTML or the whole source fails with the reason; pages found later that fail
/// are skipped.
public struct WebCrawler: Sendable {
    public struct Settings: Sendable, Equatable {
        public var userAgent: String
        public var maxDepth: Int
        public var maxPages: Int
        public var useSitemap: Bool
        /// One deadline over each fetch: connecting, the response head and the whole body.
        public var timeout: Duration
        /// One deadline over a whole crawl (robots.txt, sitemaps and every page).
        public var crawlTimeout: Duration
        public var maxBytes: Int
        public var allowPrivateNetworks: Bool

        public init(userAgent: String, maxDepth: Int, maxPages: Int, useSitemap: Bool, timeout: Duration, maxBytes: Int,
                    allowPrivateNetworks: Bool = false, crawlTimeout: Duration = .seconds(300)) {
            self.allowPrivateNetworks = allowPrivateNetworks
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
    private let client: HTTPClient
    private let logger: Logger

    public init(settings: Settings, client: HTTPClient, logger: Logger = Logger(label: "parley.crawler")) {
        self.settings = settings
        self.client = client
        self.logger = logger
    }

    /// Crawls from `start` within `crawlTimeout`: pages found when it runs out are kept (the
    /// start page must have loaded), and the crawl stops.
    public func crawl(_ start: URL) async throws -> [LoadedPage] {
        let deadline = ContinuousClock.now + settings.crawlTimeout
        return try await crawl(start, deadline: deadline)
    }

    private func crawl(_ start: URL, deadline: ContinuousClock.Instant) async throws -> [LoadedPage] {
        guard let scheme = start.scheme?.lowercased(), scheme == "http" || scheme == "https", let host = start.host, !host.isEmpty else {
            throw IngestionFailure("only http and https URLs can be fetched")
        }
        if !settings.allowPrivateNetworks, await NetworkAddress.isPrivateResolving(host: host) {
            throw IngestionFailure("\(host) is a loopback, private or link-local address; fetching it is not allowed (ingest.allow_private_networks)")
        }
        let site = Site(start)
        let robots = try await robotsRules(for: site, deadline: deadline)
        guard robots.allows(Self.pathAndQuery(start)) else { throw IngestionFailure("robots.txt does not allow fetching \(start.absoluteString)") }

        var pages: [LoadedPage] = []
        var seen: Set<String> = [Self.normalised(start)]
        var queue: [(url: URL, depth: Int)] = [(start, 0)]
        if settings.useSitemap, settings.maxDepth > 0 {
            for url in await sitemapURLs(site: site, robots: robots, deadline: deadline) where seen.insert(Self.normalised(url)).inserted {
                queue.append((url, 1))
            }
        }
        var index = 0
        while index < queue.count, pages.count < settings.maxPages {
            let (url, depth) = queue[index]
            index += 1
            if index > 1, ContinuousClock.now >= deadline {
                logger.info("crawl stopped at its deadline", metadata: ["event": "crawl_deadline", "pages": "\(pages.count)"])
                break
            }
            let page: (LoadedPage, [String])
            do {
                page = try await fetchPage(url, deadline: deadline)
            } catch let failure as IngestionFailure {
                if index == 1 { throw failure }
                logger.info("skipped a page of a crawl", metadata: ["event": "crawl_skip", "reason": "\(failure.reason)"])
                continue
            }
            pages.append(page.0)
            guard depth < settings.maxDepth else { continue }
            for link in page.1 {
                guard let next = URL(string: link, relativeTo: url)?.absoluteURL, site.contains(next),
                      robots.allows(Self.pathAndQuery(next)), seen.insert(Self.normalised(next)).inserted else { continue }
                queue.append((next, depth + 1))
            }
        }
        return pages
    }

    private func fetchPage(_ url: URL, deadline: ContinuousClock.Instant) async throws -> (LoadedPage, [String]) {
        let response: Response
        do {
            response = try await get(url, deadline: deadline)
        } catch is Oversized {
            throw IngestionFailure("\(url.absoluteString) is larger than \(settings.maxBytes) bytes (ingest.max_upload_bytes)")
        }
        guard (200 ..< 300).contains(response.status) else {
            throw IngestionFailure("\(url.absoluteString) answered HTTP \(response.status)")
        }
        let type = response.contentType.lowercased()
        guard type.hasPrefix("text/html") || type.hasPrefix("application/xhtml+xml") else {
            throw IngestionFailure("\(url.absoluteString) is not an HTML page (content type \(type.isEmpty ? "none" : type))")
        }
        let html = Self.decode(response.body, contentType: type)
        let document = HTMLTextExtractor().extract(html, fallbackTitle: url.host ?? url.absoluteString)
        return (LoadedPage(title: document.title, url: url.absoluteString, document: document), document.links)
    }

    private func robotsRules(for site: Site, deadline: ContinuousClock.Instant) async throws -> RobotsRules {
        guard let url = URL(string: "/robots.txt", relativeTo: site.root)?.absoluteURL else { return .allowAll }
        let response: Response
        do {
            response = try await get(url, deadline: deadline)
        } catch is Oversized {
            return .allowAll
        }
        switch response.status {
        case 200 ..< 300: return RobotsRules(parsing: Self.decode(response.body, contentType: response.contentType), userAgent: settings.userAgent)
        case 400 ..< 500: return .allowAll
        default: throw IngestionFailure("robots.txt answered HTTP \(response.status); not fetching the site until it is reachable")
        }
    }

    private func sitemapURLs(site: Site, robots: RobotsRules, deadline: ContinuousClock.Instant) async -> [URL] {
        var sitemaps = robots.sitemaps.compactMap { URL(string: $0) }
        if sitemaps.isEmpty, let fallback = URL(string: "/sitemap.xml", relativeTo: site.root)?.absoluteURL { sitemaps = [fallback] }
        var urls: [URL] = []
        var visited = 0
        while !sitemaps.isEmpty, visited < 10 {
            let sitemap = sitemaps.removeFirst()
            visited += 1
            guard site.contains(sitemap), let response = try? await get(sitemap, deadline: deadline), (200 ..< 300).contains(response.status) else { continue }
            let xml = Self.decode(response.body, contentType: response.contentType)
            let locations = SitemapParser.locations(in: xml).compactMap { URL(string: $0) }.filter(site.contains)
            if SitemapParser.isIndex(xml) { sitemaps += locations } else { urls += locations.filter { robots.allows(Self.pathAndQuery($0)) } }
        }
        return urls
    }

    struct Response: Sendable {
        var status: Int
        var contentType: String
        var body: ByteBuffer
    }

    /// One GET under one deadline for head and body: the fetch timeout, or what is left of the
    /// crawl's, whichever ends first. (AsyncHTTPClient's own deadline ends with the head, so a
    /// server that sends headers and then stalls would otherwise hold the fetch forever.)
    private func get(_ url: URL, deadline: ContinuousClock.Instant) async throws -> Response {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .GET
        request.headers.add(name: "User-Agent", value: settings.userAgent)
        request.headers.add(name: "Accept", value: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5")
        let timeout = min(settings.timeout, ContinuousClock.now.duration(to: deadline))
        guard timeout > .zero else { throw IngestionFailure("\(url.absoluteString) was not fetched: the crawl ran out of time") }
        let client = client
        let maxBytes = settings.maxBytes
        let prepared = request
        do {
            return try await withDeadline(timeout) {
                let response: HTTPClientResponse
                do {
                    response = try await client.execute(prepared, timeout: .milliseconds(Int64(timeout.milliseconds)))
                } catch {
                    // Cancelled with the job (a worker shutting down): not the site's failure.
                    if Task.isCancelled { throw CancellationError() }
                    throw IngestionFailure("\(url.absoluteString) could not be fetched (\(Self.describe(error)))")
                }
                let type = response.headers.first(name: "Content-Type") ?? ""
                let body: ByteBuffer
                do {
                    body = try await response.body.collect(upTo: maxBytes)
                } catch is NIOTooManyBytesError {
                    throw Oversized()
                } catch let error where !(error is CancellationError) {
                    throw IngestionFailure("\(url.absoluteString) could not be read (\(Self.describe(error)))")
                }
                return Response(status: Int(response.status.code), contentType: type, body: body)
            }
        } catch is DeadlineExceeded {
            throw IngestionFailure("\(url.absoluteString) could not be fetched (timed out after \(Int(timeout.seconds.rounded(.up))) s)")
        }
    }

    /// A response body over `maxBytes`; callers decide what that means.
    struct Oversized: Error {}

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            if error == .connectTimeout || error == .deadlineExceeded || error == .readTimeout { return "timed out" }
            if error == .remoteConnectionClosed { return "connection closed" }
        }
        return "connection failed"
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
