import Dispatch
import Foundation
import ParleyCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether a host name points into the server's own networks: loopback, RFC 1918 private,
/// carrier-grade NAT, link-local (cloud metadata services live at 169.254.169.254), unique-local
/// IPv6, or unspecified. Names are resolved and every address is checked.
enum NetworkAddress {
    /// `isPrivate(host:)` on a global queue: name resolution blocks, and must not hold a thread
    /// of the concurrency pool.
    static func isPrivateResolving(host: String) async -> Bool {
        (try? await DispatchQueue.global().perform { isPrivate(host: host) }) ?? true
    }

    static func isPrivate(host: String) -> Bool {
        let name = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if name == "localhost" || name.hasSuffix(".localhost") || name.hasSuffix(".local") || name.hasSuffix(".internal") { return true }
        let addresses = resolve(name)
        // A name that does not resolve cannot be fetched anyway; the fetch reports it.
        return addresses.contains(where: isPrivate)
    }

    enum Address: Equatable {
        case v4([UInt8])
        case v6([UInt8])
    }

    static func isPrivate(_ address: Address) -> Bool {
        switch address {
        case let .v4(bytes):
            let (a, b) = (bytes[0], bytes[1])
            return a == 0 || a == 10 || a == 127 || (a == 169 && b == 254) || (a == 172 && (16 ... 31).contains(b))
                || (a == 192 && b == 168) || (a == 100 && (64 ... 127).contains(b)) || a >= 224
        case let .v6(bytes):
            if bytes.allSatisfy({ $0 == 0 }) || bytes == [UInt8](repeating: 0, count: 15) + [1] { return true }
            if bytes[0] & 0xFE == 0xFC { return true }                       // fc00::/7 unique local
            if bytes[0] == 0xFE, bytes[1] & 0xC0 == 0x80 { return true }      // fe80::/10 link local
            if bytes[0] == 0xFF { return true }                              // multicast
            if bytes[0 ..< 10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
                return isPrivate(.v4(Array(bytes[12 ..< 16])))               // IPv4-mapped
            }
            return false
        }
    }

    static func resolve(_ name: String) -> [Address] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [Address] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            if info.pointee.ai_family == AF_INET, let raw = info.pointee.ai_addr {
                raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                    let value = pointer.pointee.sin_addr.s_addr   // network byte order
                    addresses.append(.v4(withUnsafeBytes(of: value) { Array($0) }))
                }
            } else if info.pointee.ai_family == AF_INET6, let raw = info.pointee.ai_addr {
                raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    addresses.append(.v6(withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }))
                }
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }
}
