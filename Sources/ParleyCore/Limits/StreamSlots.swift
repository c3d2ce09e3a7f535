/// Caps the answers one process streams at once, per tenant and per client address, so that
/// one site (or one client holding many connections open) cannot take every stream the server
/// can run. A slot is taken before a stream starts and given back when it ends.
public actor StreamSlots {
    private let perTenant: Int
    private let perAddress: Int
    private var byTenant: [TenantID: Int] = [:]
    private var byAddress: [String: Int] = [:]

    /// A limit of 0 means no cap.
    public init(perTenant: Int, perAddress: Int) {
        self.perTenant = perTenant
        self.perAddress = perAddress
    }

    /// Which cap refused a slot.
    public enum Refusal: Sendable, Equatable { case tenant, address }

    /// Takes a slot, or says which cap is full. `address` is the client's address key
    /// (`ClientAddressKey.blockKey`), nil when unknown.
    public func acquire(tenant: TenantID, address: String?) -> Refusal? {
        if perTenant > 0, byTenant[tenant, default: 0] >= perTenant { return .tenant }
        if let address, perAddress > 0, byAddress[address, default: 0] >= perAddress { return .address }
        byTenant[tenant, default: 0] += 1
        if let address { byAddress[address, default: 0] += 1 }
        return nil
    }

    public func release(tenant: TenantID, address: String?) {
        byTenant[tenant] = byTenant[tenant].flatMap { $0 > 1 ? $0 - 1 : nil }
        if let address { byAddress[address] = byAddress[address].flatMap { $0 > 1 ? $0 - 1 : nil } }
    }

    /// Slots held right now (for `/health` and tests).
    public var held: Int { byTenant.values.reduce(0, +) }
}
