import ParleyCore
import Synchronization

/// Each tenant's ``InterestCatalogue``, built once per version of its topic names. Building one
/// folds every title and heading (case, accents, plurals); the rules read every visitor message
/// with it, and the names change only when the knowledge base does.
public final class InterestCatalogues: Sendable {
    private let built = Mutex<[TenantID: (names: [String], catalogue: InterestCatalogue)]>([:])
    private let names: @Sendable (TenantID) async -> [String]

    /// `names` gives a tenant's current topic names (the knowledge base keeps them).
    public init(names: @escaping @Sendable (TenantID) async -> [String]) {
        self.names = names
    }

    public func catalogue(tenant: TenantID) async -> InterestCatalogue {
        let current = await names(tenant)
        if let kept = built.withLock({ $0[tenant] }), kept.names == current { return kept.catalogue }
        let catalogue = InterestCatalogue(names: current)
        built.withLock { $0[tenant] = (current, catalogue) }
        return catalogue
    }
}
