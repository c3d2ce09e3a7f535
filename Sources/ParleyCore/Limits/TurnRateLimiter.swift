import Crypto
import Foundation

/// Admits or refuses a chat turn before anything is written or any model is called: counts
/// it against the client address, the visitor's session and the tenant, per minute and per
/// day, and refuses with `rate_limited` and the seconds to wait when one of them is full.
///
/// Subjects are stored as keyed hashes (HMAC-SHA256 with the server secret), so the counters
/// never hold a client address or a session key in clear.
public struct TurnRateLimiter: Sendable {
    private let store: any RateCounterStore
    private let key: SymmetricKey
    private let clock: @Sendable () -> Date

    public init(store: any RateCounterStore, secret: String, clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        key = SymmetricKey(data: SHA256.hash(data: Data(("parley-rate-subject:" + secret).utf8)))
        self.clock = clock
    }

    /// Throws `rate_limited` (with `retryAfterSeconds`) when the turn would pass a limit.
    /// `clientAddress` is the caller's address (IPv6 counted per /64, the block one subscriber
    /// usually gets); `sessionKey` the visitor's session, when it has one.
    public func admit(tenant: TenantID, limits: TurnRateLimits, clientAddress: String?, sessionKey: String?) async throws {
        // A subject is hashed only when one of its limits is set.
        var subjects: [RateScope: String] = [:]
        if limits.limits(.ip), let clientAddress, !clientAddress.isEmpty {
            subjects[.ip] = hashed("ip", ClientAddressKey.blockKey(clientAddress))
        }
        if limits.limits(.visitor), let sessionKey, !sessionKey.isEmpty { subjects[.visitor] = hashed("visitor", String(sessionKey.prefix(256))) }
        let counters = limits.counters(tenant: tenant, subjects: subjects)
        guard !counters.isEmpty, let refusal = try await store.consume(counters, at: clock()) else { return }
        throw ParleyError(code: "rate_limited", message: Self.message(for: refusal), kind: .rateLimited,
                          retryAfterSeconds: refusal.retryAfterSeconds)
    }

    /// Counts a turn that started a new session under its new key, so that a visitor's first
    /// message counts toward its session's rate like every later one (a request without a key
    /// cannot be counted per visitor before the session exists).
    public func countNewSession(tenant: TenantID, limits: TurnRateLimits, sessionKey: String) async throws {
        guard limits.limits(.visitor) else { return }
        let counters = limits.counters(tenant: tenant, subjects: [.visitor: hashed("visitor", String(sessionKey.prefix(256)))])
            .filter { $0.scope == .visitor }
        guard !counters.isEmpty else { return }
        _ = try await store.consume(counters, at: clock())
    }

    private func hashed(_ scope: String, _ value: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data((scope + ":" + value).utf8), using: key)
        return mac.prefix(16).hexString
    }

    static func message(for refusal: RateRefusal) -> String {
        let who = switch refusal.scope {
        case .visitor: "this conversation"
        case .ip: "your network"
        case .tenant: "this site"
        }
        let wait = refusal.retryAfterSeconds < 120 ? "\(refusal.retryAfterSeconds) seconds" : "\(refusal.retryAfterSeconds / 60) minutes"
        return "Too many messages from \(who) (at most \(refusal.limit) a \(refusal.window.rawValue)). Please try again in \(wait)."
    }
}

/// How a client address is counted.
public enum ClientAddressKey {
    /// IPv4 addresses count one by one; IPv6 addresses by their /64 block, because one subscriber
    /// usually holds a whole /64 and could otherwise take a new address for every request.
    public static func blockKey(_ address: String) -> String {
        guard address.contains(":") else { return address }
        var groups = address.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if let gap = groups.firstIndex(of: ""), address.contains("::") {
            let present = groups.filter { !$0.isEmpty }
            let missing = max(0, 8 - present.count)
            groups = Array(groups[..<gap]).filter { !$0.isEmpty } + Array(repeating: "0", count: missing)
                + Array(groups[(gap + 1)...]).filter { !$0.isEmpty }
        }
        let prefix = groups.prefix(4).map { String(Int($0, radix: 16) ?? 0, radix: 16) }
        return prefix.joined(separator: ":") + "::/64"
    }
}
