import Foundation

/// Which addresses Parley may connect to on a tenant's behalf (the crawler, outgoing webhooks).
/// By default only public ones: a tenant must not be able to make the server reach its own
/// network (SSRF). An operator can open all private
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
    public init(allowPrivateNetworks: Bool, allowedAddressLiterals: [String], setting: String = "ingest.allowed_private_addresses") throws {
        var addresses = Set<NetworkAddress>()
        for literal in allowedAddressLiterals {
            guard let address = NetworkAddress(literal: literal.trimmingCharacters(in: .whitespaces)) else {
                throw ConfigError("\(setting): '\(literal)' is not an IPv4 or IPv6 address")
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
    public func allows(name: String) -> Bool {
        allowPrivateNetworks || !NetworkAddress.isLocalName(name)
    }
}
