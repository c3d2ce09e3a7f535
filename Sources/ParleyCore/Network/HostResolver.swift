import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a host name into the addresses a connection could go to. The crawler asks once per
/// host and crawl, checks every answer, and connects to one it checked: asking again at connect
/// time would let a name that changes its answer (DNS rebinding) slip past the check.
public protocol HostResolver: Sendable {
    func addresses(of host: String) async throws -> [NetworkAddress]
}

/// The system's resolver (getaddrinfo), run on a global dispatch queue: it blocks, and must not
/// hold a thread of the concurrency pool or an event loop.
public struct SystemHostResolver: HostResolver {
    public init() {}

    public func addresses(of host: String) async throws -> [NetworkAddress] {
        try await DispatchQueue.global().perform { Self.resolve(host) }
    }

    static func resolve(_ name: String) -> [NetworkAddress] {
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
        var addresses: [NetworkAddress] = []
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
        var seen = Set<NetworkAddress>()
        return addresses.filter { seen.insert($0).inserted }
    }
}
