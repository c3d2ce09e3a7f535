import FluentKit
import SQLKit

/// Forgets the dense weights fitted before they came from the retrievers' decisiveness
/// (`DenseWeightFit.basis`). Such a fit is not used anyway (`DenseWeightFit.isUsable`); without
/// its row the tenant is due again (`tenantsToRefit`), so the next sweep fits it the new way
/// instead of waiting for its sources to change.
struct RefitDenseWeightsByDecisiveness: AsyncMigration {
    var name: String { "027_refit_dense_weights_by_decisiveness" }

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("DELETE FROM \(ident: SQLDenseWeightFits.table)").run()
    }

    /// Nothing to restore: the older fits would not be used by this version either.
    func revert(on database: any Database) async throws {}
}
