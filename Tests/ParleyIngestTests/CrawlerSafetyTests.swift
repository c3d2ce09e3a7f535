import Foundation
import ParleyCore
import ParleyIngest
import ParleyTestSupport
import Synchronization
import Testing

/// The crawler never reaches an address the policy refuses: not through a redirect, not through
/// a name whose answer changes between the check and the connection, not through any of the
/// ranges that lead into a private network indirectly; and a slow or endless site costs at most
/// the fetch's deadline and byte limit.
///
/// Two loopback addresses stand for two machines: 127.0.0.2 plays a public web server (the
/// policy names it as allowed), 127.0.0.1 the server's own network, which must never be hit.
@Suite("Crawler safety")
struct CrawlerSafetyTests {
    static let publicAddress = NetworkAddress(literal: "127.0.0.2")!
    static let policy = FetchAddressPolicy(allowedAddresses: [publicAddress])

    static func page(_ title: String, _ body: String = "") -> LocalSiteServer.Page {
        .init(body: "<html><head><title>\(title)</title></head><body><main><h1>\(title)</h1><p>\(title) text.</p>\(body)</main></body></html>")
    }

    /// Answers the first lookup of each name with `first`, every later one with `later`.
    final class RebindingResolver: HostResolver {
        let first: [NetworkAddress]
        let later: [NetworkAddress]
        let lookups = Mutex<[String]>([])

        init(first: [NetworkAddress], later: [NetworkAddress]) {
            self.first = first
            self.later = later
        }

        func addresses(of host: String) async throws -> [NetworkAddress] {
            lookups.withLock { names in
                names.append(host)
                return names.filter { $0 == host }.count == 1 ? first : later
            }
        }
    }

    func crawler(maxDepth: Int = 1, timeout: Duration = .seconds(10), maxBytes: Int = 1 << 20,
                 resolver: any HostResolver = SystemHostResolver()) -> WebCrawler {
        WebCrawler(settings: .init(userAgent: "ParleyTestBot/1.0", maxDepth: maxDepth, maxPages: 20, useSitemap: true,
                                   timeout: timeout, maxBytes: maxBytes, addresses: Self.policy),
                   resolver: resolver)
    }

    func expectRefused(_ url: String, by crawler: WebCrawler, saying reason: String = "not allowed",
                       sourceLocation: SourceLocation = #_sourceLocation) async {
        do {
            let pages = try await crawler.crawl(URL(string: url)!)
            Issue.record("\(url) was crawled (\(pages.map(\.title))); it should be refused", sourceLocation: sourceLocation)
        } catch let failure as IngestionFailure {
            #expect(failure.reason.contains(reason), "\(failure.reason)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func everyRedirectHopIsCheckedBeforeItIsFetched() async throws {
        let inside = try await LocalSiteServer.start(["/secret": Self.page("Internal secret")])
        let outside = try await LocalSiteServer.start([
            "/to-loopback": .redirect(to: inside.url("/secret")),
            "/to-localhost": .redirect(to: "http://localhost:\(inside.port)/secret", status: 301),
            "/to-metadata": .redirect(to: "http://169.254.169.254/latest/meta-data/", status: 307),
            "/to-mapped": .redirect(to: "http://[::ffff:127.0.0.1]:\(inside.port)/secret", status: 308),
            "/to-file": .redirect(to: "file:///etc/passwd"),
            "/loop": .redirect(to: "/loop"),
            "/old-home": .redirect(to: "/home", status: 301),
            "/home": Self.page("Home", "<a href=\"/to-loopback\">Moved</a> <a href=\"/about\">About</a>"),
            "/about": Self.page("About"),
        ], host: "127.0.0.2")
        defer { Task { await inside.stop(); await outside.stop() } }

        for path in ["/to-loopback", "/to-localhost", "/to-metadata", "/to-mapped"] {
            await expectRefused(outside.url(path), by: crawler())
        }
        await expectRefused(outside.url("/to-file"), by: crawler(), saying: "only http and https")
        await expectRefused(outside.url("/loop"), by: crawler(), saying: "redirects more than 5 times")

        // A redirect within the public site is followed; a link on it that redirects inward is skipped.
        let pages = try await crawler().crawl(URL(string: outside.url("/old-home"))!)
        #expect(pages.map(\.title) == ["Home", "About"])
        #expect(pages.first?.url == outside.url("/home"), "a page is cited by the address it was read from")
        let insideHits = await inside.hits
        #expect(insideHits.isEmpty, "nothing reached the inside server: \(insideHits)")
        #expect(await outside.hits.filter { $0.path == "/loop" }.count == 6, "the redirect chain stopped after 5 hops")
    }

    @Test func aNameIsResolvedOnceAndConnectedToTheAddressThatWasChecked() async throws {
        // The "inside" server listens on the same port, one address over: a connection that
        // resolved the name again would land here. Another test may hold that port on 127.0.0.1:
        // then both start again on another.
        var pair: (outside: LocalSiteServer, inside: LocalSiteServer)?
        for _ in 0 ..< 10 where pair == nil {
            let outside = try await LocalSiteServer.start([
                "/": Self.page("Shop", "<a href=\"/prices\">Prices</a>"),
                "/prices": Self.page("Prices"),
                "/robots.txt": .init(contentType: "text/plain", body: "User-agent: *\nAllow: /\n"),
            ], host: "127.0.0.2")
            do {
                let inside = try await LocalSiteServer.start(["/": Self.page("Internal"), "/prices": Self.page("Internal prices")],
                                                             host: "127.0.0.1", port: outside.port)
                pair = (outside, inside)
            } catch {
                await outside.stop()
            }
        }
        let (outside, inside) = try #require(pair)
        defer { Task { await inside.stop(); await outside.stop() } }
        let resolver = RebindingResolver(first: [Self.publicAddress], later: [NetworkAddress(literal: "127.0.0.1")!])

        let pages = try await crawler(resolver: resolver).crawl(URL(string: "http://shop.test:\(outside.port)/")!)

        #expect(pages.map(\.title) == ["Shop", "Prices"])
        #expect(resolver.lookups.withLock { $0 } == ["shop.test"], "one lookup for the whole crawl")
        #expect(await inside.hits.isEmpty, "nothing reached the address the name changed to")
        #expect(await outside.hits.map(\.path).contains("/robots.txt"))
    }

    @Test func aNameWithAnyNonPublicAnswerIsRefusedBeforeAnyConnection() async throws {
        let inside = try await LocalSiteServer.start(["/": Self.page("Internal")])
        defer { Task { await inside.stop() } }
        let mixed = RebindingResolver(first: [Self.publicAddress, NetworkAddress(literal: "127.0.0.1")!], later: [Self.publicAddress])
        await expectRefused("http://mixed.test:\(inside.port)/", by: crawler(resolver: mixed))
        let nat64 = RebindingResolver(first: [NetworkAddress(literal: "64:ff9b::7f00:1")!], later: [])
        await expectRefused("http://nat64.test:\(inside.port)/", by: crawler(resolver: nat64))
        let unresolvable = RebindingResolver(first: [], later: [])
        await expectRefused("http://nowhere.test/", by: crawler(resolver: unresolvable), saying: "could not be resolved")
        await expectRefused("http://intranet.inside:\(inside.port)/", by: crawler(resolver: mixed))
        #expect(await inside.hits.isEmpty)
    }

    @Test func rangesThatLeadIntoPrivateNetworksAreNotPublic() throws {
        let refused = [
            "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1",
            "255.255.255.255", "198.18.0.1", "198.19.255.254", "192.0.0.8", "192.0.2.1", "192.88.99.1",
            "::", "::1", "::127.0.0.1", "::a9fe:a9fe", "::ffff:10.0.0.1", "::ffff:8.8.8.8", "64:ff9b::a9fe:a9fe", "64:ff9b:1::1",
            "2002:7f00:1::", "2002:808:808::1", "2001:0:4136:e378::1", "fd00::1", "fe80::1", "fec0::1", "ff02::1", "2001:db8::1", "100::1",
        ]
        for literal in refused {
            let address = try #require(NetworkAddress(literal: literal), "\(literal) parses")
            #expect(address.isNonPublic, "\(literal) must be refused")
            #expect(!FetchAddressPolicy().allows(address))
            #expect(FetchAddressPolicy(allowPrivateNetworks: true).allows(address))
        }
        for literal in ["8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "198.20.0.1", "100.128.0.1", "2606:4700:4700::1111", "2a00:1450:4001::200e"] {
            let address = try #require(NetworkAddress(literal: literal))
            #expect(!address.isNonPublic, "\(literal) is public")
        }
        #expect(NetworkAddress(literal: "[::1]") == NetworkAddress(literal: "::1"))
        #expect(NetworkAddress(literal: "::ffff:127.0.0.1")?.description == "::ffff:127.0.0.1")
        #expect(NetworkAddress(literal: "example.com") == nil)
        #expect(throws: (any Error).self) { try FetchAddressPolicy(allowPrivateNetworks: false, allowedAddressLiterals: ["10.0.0.5", "intranet"]) }
        let one = try FetchAddressPolicy(allowPrivateNetworks: false, allowedAddressLiterals: ["10.0.0.5"])
        #expect(one.allows(NetworkAddress(literal: "10.0.0.5")!) && !one.allows(NetworkAddress(literal: "10.0.0.6")!))
    }

    @Test func slowAndEndlessSitesCostAtMostTheDeadlineAndTheByteLimit() async throws {
        let site = try await LocalSiteServer.start([
            "/slow": .stalling(), "/endless": .endless(),
            "/robots.txt": .init(contentType: "text/plain", body: "User-agent: *\nAllow: /\n"),
        ], host: "127.0.0.2")
        defer { Task { await site.stop() } }
        let clock = ContinuousClock()
        let started = clock.now
        await expectRefused(site.url("/slow"), by: crawler(timeout: .seconds(1)), saying: "timed out after 1 s")
        #expect(clock.now - started < .seconds(30), "the stalled page was given up at its deadline")
        await expectRefused(site.url("/endless"), by: crawler(maxBytes: 200_000), saying: "larger than 200000 bytes")
    }

    @Test func aStartPageThatRedirectsToAnotherSiteMovesTheCrawlThere() async throws {
        let landed = try await LocalSiteServer.start([
            "/": Self.page("Landed", "<a href=\"/next\">Next</a>"),
            "/next": Self.page("Next"),
            "/robots.txt": .init(contentType: "text/plain", body: "User-agent: *\nDisallow: /hidden\n"),
        ], host: "127.0.0.2")
        let bare = try await LocalSiteServer.start(["/": .redirect(to: landed.url("/"), status: 301)])
        defer { Task { await landed.stop(); await bare.stop() } }
        let crawler = WebCrawler(settings: .init(userAgent: "ParleyTestBot/1.0", maxDepth: 1, maxPages: 10, useSitemap: false,
                                                 timeout: .seconds(10), maxBytes: 1 << 20, addresses: FetchAddressPolicy(allowPrivateNetworks: true)))
        let pages = try await crawler.crawl(URL(string: bare.url("/"))!)
        #expect(pages.map(\.title) == ["Landed", "Next"])
        #expect(pages.map(\.url) == [landed.url("/"), landed.url("/next")])
        #expect(await landed.hits.map(\.path).contains("/robots.txt"), "the landed site's robots.txt was read")
    }
}
