import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ParleyCore

/// The crawler's HTTP client for one crawl. Every connection goes to an address that was
/// checked: each host is resolved once, all of its addresses must pass the policy, and the
/// host's own client is pinned to the first of them (AsyncHTTPClient's `dnsOverride`, which
/// keeps the Host header, SNI and certificate checks on the name). Redirects are followed here,
/// by hand, each hop's host checked the same way; AsyncHTTPClient's own redirects are off.
actor PinnedFetcher {
    struct Response: Sendable {
        /// Where the content came from, after redirects.
        var url: URL
        var status: Int
        var contentType: String
        var body: ByteBuffer
    }

    /// A response body over `maxBytes`; callers decide what that means.
    struct Oversized: Error {}

    static let maxRedirects = 5
    /// Hosts one crawl may reach (its site, and where its redirects lead).
    static let maxHosts = 8

    private let policy: FetchAddressPolicy
    private let resolver: any HostResolver
    private let userAgent: String
    private let maxBytes: Int
    private var clients: [String: HTTPClient] = [:]
    private var isShutDown = false

    init(policy: FetchAddressPolicy, resolver: any HostResolver, userAgent: String, maxBytes: Int) {
        self.policy = policy
        self.resolver = resolver
        self.userAgent = userAgent
        self.maxBytes = maxBytes
    }

    /// GET `url` and its redirects under one deadline (`timeout`) over every hop's lookup,
    /// connection, head and body. (AsyncHTTPClient's own deadline ends with the head, so a
    /// server that sends headers and then stalls would otherwise hold the fetch forever.)
    func get(_ url: URL, timeout: Duration) async throws -> Response {
        do {
            return try await withDeadline(timeout) { try await self.followingRedirects(url, timeout: timeout) }
        } catch is DeadlineExceeded {
            throw IngestionFailure("\(Self.shortened(url.absoluteString)) could not be fetched (timed out after \(Int(timeout.seconds.rounded(.up))) s)")
        }
    }

    /// Shuts every pinned client down; the fetcher cannot be used afterwards.
    func shutdown() async {
        isShutDown = true
        let open = clients.values
        clients = [:]
        for client in open { try? await client.shutdown() }
    }

    private func followingRedirects(_ start: URL, timeout: Duration) async throws -> Response {
        var url = start
        for _ in 0 ... Self.maxRedirects {
            let response = try await fetchOnce(url, timeout: timeout)
            guard [301, 302, 303, 307, 308].contains(response.status), let location = response.location else {
                return Response(url: url, status: response.status, contentType: response.contentType, body: response.body)
            }
            guard let next = URL(string: location, relativeTo: url)?.absoluteURL else {
                throw IngestionFailure("\(Self.shortened(url.absoluteString)) redirects to an address that is not a URL")
            }
            url = next
        }
        throw IngestionFailure("\(Self.shortened(start.absoluteString)) redirects more than \(Self.maxRedirects) times")
    }

    private struct Hop {
        var status: Int
        var contentType: String
        var location: String?
        var body: ByteBuffer
    }

    private func fetchOnce(_ url: URL, timeout: Duration) async throws -> Hop {
        let client = try await client(for: url)
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .GET
        request.headers.add(name: "User-Agent", value: userAgent)
        request.headers.add(name: "Accept", value: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5")
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .milliseconds(Int64(timeout.milliseconds)))
        } catch {
            // Cancelled with the job (a worker shutting down) or by the deadline: not the site's failure.
            if Task.isCancelled { throw CancellationError() }
            throw IngestionFailure("\(Self.shortened(url.absoluteString)) could not be fetched (\(Self.describe(error)))")
        }
        let status = Int(response.status.code)
        let location = response.headers.first(name: "Location")
        // A redirect's own body is never used: read only a little of it, so the connection can be reused.
        let limit = location != nil && (300 ..< 400).contains(status) ? 64 * 1024 : maxBytes
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw Oversized()
        } catch let error where !(error is CancellationError) {
            throw IngestionFailure("\(Self.shortened(url.absoluteString)) could not be read (\(Self.describe(error)))")
        }
        return Hop(status: status, contentType: response.headers.first(name: "Content-Type") ?? "", location: location, body: body)
    }

    /// The client pinned to `url`'s host, made on the host's first use after its addresses pass.
    private func client(for url: URL) async throws -> HTTPClient {
        guard !isShutDown else { throw CancellationError() }
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let rawHost = url.host, !rawHost.isEmpty else {
            throw IngestionFailure("only http and https URLs can be fetched (\(Self.shortened(url.absoluteString)))")
        }
        let host = rawHost.lowercased()
        if let client = clients[host] { return client }
        guard clients.count < Self.maxHosts else {
            throw IngestionFailure("the crawl reached more than \(Self.maxHosts) hosts through redirects; \(host) was not fetched")
        }
        let address = try await checkedAddress(of: host)
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        if NetworkAddress(literal: host) == nil { configuration.dnsOverride = [host: address.description] }
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        // Another fetch may have pinned the same host while this one resolved it.
        if let existing = clients[host] {
            try? await client.shutdown()
            return existing
        }
        if isShutDown {
            try? await client.shutdown()
            throw CancellationError()
        }
        clients[host] = client
        return client
    }

    private func checkedAddress(of host: String) async throws -> NetworkAddress {
        let refusal = "\(host) is a loopback, private, link-local or otherwise non-public address; fetching it is not allowed (ingest.allow_private_networks)"
        if let literal = NetworkAddress(literal: host) {
            guard policy.allows(literal) else { throw IngestionFailure(refusal) }
            return literal
        }
        guard policy.allows(name: host) else { throw IngestionFailure(refusal) }
        let addresses: [NetworkAddress]
        do {
            addresses = try await resolver.addresses(of: host)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw IngestionFailure("\(host) could not be resolved")
        }
        guard let first = addresses.first else { throw IngestionFailure("\(host) could not be resolved") }
        // One refused address refuses the name: a connection might otherwise be made to it.
        guard addresses.allSatisfy(policy.allows) else { throw IngestionFailure(refusal) }
        return first
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            if error == .connectTimeout || error == .deadlineExceeded || error == .readTimeout { return "timed out" }
            if error == .remoteConnectionClosed { return "connection closed" }
        }
        return "connection failed"
    }

    /// Keeps error messages readable when a hostile page links to a huge URL.
    static func shortened(_ text: String) -> String {
        text.count <= 200 ? text : String(text.prefix(200)) + "…"
    }
}
