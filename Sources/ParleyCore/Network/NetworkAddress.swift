import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as its bytes, and whether it is one the crawler may not reach.
///
/// "Not public" is broader than "private": besides loopback, RFC 1918, carrier-grade NAT,
/// link-local (cloud metadata services live at 169.254.169.254) and unique-local IPv6, it
/// covers the ranges that reach one of those indirectly: benchmark (198.18.0.0/15) and IETF
/// protocol (192.0.0.0/24) networks, NAT64 (64:ff9b::/96, 64:ff9b:1::/48), 6to4 (2002::/16),
/// Teredo (2001::/32), IPv4-mapped and IPv4-compatible IPv6 (whatever IPv4 address they carry),
/// documentation, multicast and reserved ranges.
public enum NetworkAddress: Hashable, Sendable, CustomStringConvertible {
    case v4([UInt8])
    case v6([UInt8])

    /// Parses a literal address ("10.0.0.5", "::1", "[2001:db8::1]"); nil for anything else.
    public init?(literal: String) {
        let text = literal.hasPrefix("[") && literal.hasSuffix("]") ? String(literal.dropFirst().dropLast()) : literal
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self = .v4(withUnsafeBytes(of: v4) { Array($0) })
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            self = .v6(withUnsafeBytes(of: v6) { Array($0) })
            return
        }
        return nil
    }

    /// The address as text, the form a connection is made to.
    public var description: String {
        switch self {
        case let .v4(bytes): return bytes.map(String.init).joined(separator: ".")
        case let .v6(bytes):
            var raw = in6_addr()
            withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: bytes) }
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count)) != nil else { return "::" }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// Whether the address is outside the public internet (see the type's comment).
    public var isNonPublic: Bool {
        switch self {
        case let .v4(bytes): return Self.isNonPublicV4(bytes)
        case let .v6(bytes): return Self.isNonPublicV6(bytes)
        }
    }

    private static func isNonPublicV4(_ bytes: [UInt8]) -> Bool {
        let (a, b, c) = (bytes[0], bytes[1], bytes[2])
        return a == 0 || a == 10 || a == 127 || a >= 224                       // this network, private, loopback, multicast and reserved
            || (a == 100 && (64 ... 127).contains(b))                            // carrier-grade NAT
            || (a == 169 && b == 254)                                            // link local, cloud metadata
            || (a == 172 && (16 ... 31).contains(b))                             // private
            || (a == 192 && b == 168)                                            // private
            || (a == 192 && b == 0 && (c == 0 || c == 2))                        // IETF protocol assignments, TEST-NET-1
            || (a == 192 && b == 88 && c == 99)                                  // 6to4 relay anycast
            || (a == 198 && (b == 18 || b == 19))                                // benchmarking
            || (a == 198 && b == 51 && c == 100) || (a == 203 && b == 0 && c == 113)   // TEST-NET-2 and -3
    }

    private static func isNonPublicV6(_ bytes: [UInt8]) -> Bool {
        if bytes[0 ..< 12].allSatisfy({ $0 == 0 }) { return true }               // ::/96: unspecified, loopback, IPv4-compatible
        if bytes[0 ..< 10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { return true }   // IPv4-mapped
        if bytes[0] == 0x00, bytes[1] == 0x64, bytes[2] == 0xFF, bytes[3] == 0x9B { return true }      // NAT64 64:ff9b::/96 and 64:ff9b:1::/48
        if bytes[0] == 0x01, bytes[1] == 0x00, bytes[2 ..< 8].allSatisfy({ $0 == 0 }) { return true }  // discard-only 100::/64
        if bytes[0] == 0x20, bytes[1] == 0x01, bytes[2] == 0x00, bytes[3] == 0x00 { return true }      // Teredo 2001::/32
        if bytes[0] == 0x20, bytes[1] == 0x01, bytes[2] == 0x0D, bytes[3] == 0xB8 { return true }      // documentation 2001:db8::/32
        if bytes[0] == 0x20, bytes[1] == 0x02 { return true }                   // 6to4 2002::/16
        if bytes[0] & 0xFE == 0xFC { return true }                               // unique local fc00::/7
        if bytes[0] == 0xFE, bytes[1] & 0xC0 == 0x80 { return true }             // link local fe80::/10
        if bytes[0] == 0xFE, bytes[1] & 0xC0 == 0xC0 { return true }             // site local fec0::/10 (deprecated)
        return bytes[0] == 0xFF                                                  // multicast
    }

    /// Host names that never name a public server, whatever a resolver says.
    public static func isLocalName(_ name: String) -> Bool {
        let name = name.lowercased()
        return name == "localhost" || name.hasSuffix(".localhost") || name.hasSuffix(".local") || name.hasSuffix(".internal")
    }
}
