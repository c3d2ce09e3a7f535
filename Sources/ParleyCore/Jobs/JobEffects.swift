import Foundation

/// The idempotency ledger of job effects. A handler that may run twice (its worker died after
/// the effect but before `complete`) names each effect with a key derived from its input
/// (`"probe:\(key)"`, `"email:\(summaryID)"`) and records it in the same transaction as the
/// effect; a second run finds the key and skips the effect.
public protocol JobEffectLedger: Sendable {
    /// Records the effect; false when it was recorded before (then the caller must not repeat it).
    func record(_ key: String, job: JobID, tenant: TenantID?) async throws -> Bool
    func contains(_ key: String) async throws -> Bool
}
