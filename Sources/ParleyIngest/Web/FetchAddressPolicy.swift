import Foundation
import ParleyCore

/// Which addresses the crawler may connect to. By default only public ones: a tenant must not
/// be able to make the server read its own network (SSRF). An operator can open all private
/// networks (`ingest.allow_private_networks`, for a single-tenant install on an intranet) or
/// just the few addresses it names (`ingest.allowed_private_addresses`: an intranet wiki).
public struct FetchAddressPolicy: Sendable, Equatable {
    public var allowPrivateNetworks: Bool
    public var allowedAddresses: Set<NetworkAddress>

    public init(allowPrivateNetworks: Bool = false, allowedAddresses: Set<NetworkAddress> = []) {
        self.allowPrivateNetworks = allowPrivateNetworks
        self.allowedAddresses = allowedAddresses
    }

    /// Parses the configured address list; a line that is not an address is named in the error.
    public init(allowPrivateNetworks: Bool, allowedAddressLiterals: [String]) throws {
        var addresses = Set<NetworkAddress>()
        for literal in allowedAddressLiterals {
            guard let address = NetworkAddress(literal: literal.trimmingCharacters(in: .whitespaces)) else {
                throw ConfigError("ingest.allowed_private_addresses: '\(literal)' is not an IPv4 or IPv6 address")
            }
            addresses.insert(address)
        }
        self.init(allowPrivateNetworks: allowPrivateNetworks, allowedAddresses: addresses)
    }

    public func allows(_ address: NetworkAddress) -> Bool {
        allowPrivateNetworks || allowedAddresses.contains(address) || !address.isNonPublic
    }

    /// Names that never point at a public server (localhost, *.local, *.internal) are refused
    /// before any lookup, unless private networks are open.
    func allows(name: String) -> Bool {
        allowPrivateNetworks || !NetworkAddress.isLocalName(name)
    }
}
