import ParleyCore
import Vapor

/// The address of the client a request comes from, for rate limits and stream caps.
///
/// Without trusted proxies it is the connection's peer. Behind `limits.trusted_proxy_hops`
/// reverse proxies that each append to X-Forwarded-For, it is the entry that many places
/// from the right: entries further left were written by the client and prove nothing.
enum ClientAddress {
    static func of(_ request: Request) -> String? {
        let trustedProxyHops = request.application.parley.config.limits.trustedProxyHops
        if trustedProxyHops > 0 {
            let entries = request.headers[.xForwardedFor].joined(separator: ",").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if entries.count >= trustedProxyHops {
                let entry = entries[entries.count - trustedProxyHops]
                return entry.count <= 64 ? entry : String(entry.prefix(64))
            }
        }
        // Not Vapor's `peerAddress`: it believes any Forwarded or X-Forwarded-For header, which
        // every client can send to get a fresh address for each request.
        return request.remoteAddress?.ipAddress
    }
}
