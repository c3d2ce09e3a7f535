import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ParleyCore

/// Posts one webhook to a tenant's endpoint, bounded the way a public fetch must be: the URL's
/// scheme and host checked, every address the host resolves to checked against the policy (no
/// loopback, private or link-local address unless allowed), the connection pinned to the
/// checked address, no redirects followed, one deadline over the whole exchange, and at most
/// 16 KB of the answer read.
public struct WebhookPoster: Sendable {
    public struct Settings: Sendable {
        public var timeout: Duration
        public var allowHTTP: Bool
        public var policy: FetchAddressPolicy

        public init(timeout: Duration, allowHTTP: Bool, policy: FetchAddressPolicy) {
            self.timeout = timeout
            self.allowHTTP = allowHTTP
            self.policy = policy
        }
    }

    /// How a post went: the endpoint's status, or why there was none.
    public enum Outcome: Sendable, Equatable {
        case answered(status: Int, retryAfter: Duration?)
        /// Refused before any connection (the address is not allowed, the name does not resolve).
        case refused(String)
        /// No answer (connection failed, deadline passed): worth another attempt.
        case unanswered(String)
    }

    static let maxURLLength = 2000
    static let maxAnswerBytes = 16 * 1024

    public let settings: Settings
    private let resolver: any HostResolver

    public init(settings: Settings, resolver: any HostResolver = SystemHostResolver()) {
        self.settings = settings
        self.resolver = resolver
    }

    /// Checks an endpoint URL when it is registered: scheme, length, no credentials in it, and a
    /// literal address allowed by the policy. Names are checked again (resolved) at each post.
    public func check(_ raw: String) throws -> URL {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard text.count <= Self.maxURLLength, let url = URL(string: text), let scheme = url.scheme?.lowercased(),
              let host = url.host, !host.isEmpty else {
            throw ParleyError.badRequest("invalid_url", "url must be an absolute https:// URL of at most \(Self.maxURLLength) characters.")
        }
        guard scheme == "https" || (scheme == "http" && settings.allowHTTP) else {
            throw ParleyError.badRequest("invalid_url", settings.allowHTTP ? "url must be http:// or https://." : "url must be https:// (webhooks.allow_http is off).")
        }
        guard url.user == nil, url.password == nil else {
            throw ParleyError.badRequest("invalid_url", "url must not carry a user name or password; the signature proves the sender.")
        }
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if let literal = NetworkAddress(literal: name), !settings.policy.allows(literal) {
            throw ParleyError.badRequest("address_not_allowed", "url points at a loopback, private or link-local address (webhooks.allow_private_networks).")
        }
        guard settings.policy.allows(name: name) else {
            throw ParleyError.badRequest("address_not_allowed", "url names a local host (webhooks.allow_private_networks).")
        }
        return url
    }

    public func post(_ body: String, to raw: String, headers: [(String, String)]) async -> Outcome {
        let url: URL
        do { url = try check(raw) } catch { return .refused("the endpoint's URL is not allowed") }
        let host = (url.host ?? "").lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let address: NetworkAddress
        if let literal = NetworkAddress(literal: host) {
            address = literal
        } else {
            guard let resolved = try? await resolver.addresses(of: host), let first = resolved.first else {
                return .unanswered("\(host) could not be resolved")
            }
            // One refused address refuses the name: a connection might otherwise be made to it.
            guard resolved.allSatisfy(settings.policy.allows) else { return .refused("\(host) resolves to a non-public address") }
            address = first
        }
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        if NetworkAddress(literal: host) == nil { configuration.dnsOverride = [host: address.description] }
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        defer { Task { try? await client.shutdown() } }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let answer = try await BoundedExchange.run(client, request, timeout: settings.timeout, maxBytes: Self.maxAnswerBytes)
            return .answered(status: answer.status, retryAfter: answer.retryAfter)
        } catch is DeadlineExceeded {
            return .unanswered("no answer within \(Int(settings.timeout.seconds.rounded(.up))) s")
        } catch {
            return .unanswered("the connection failed")
        }
    }
}
