import Foundation
import ParleyCore

/// A job that does nothing but record one effect in the ledger: what `parley bench jobs`
/// measures the queue with, and how the multi-process tests prove that two workers run each
/// job's effect exactly once. Every worker can run it; it touches no tenant data.
public struct ProbeJob: JobHandler {
    public struct Payload: Codable, Sendable {
        /// Names the effect (`probe:KEY` in the ledger).
        public var key: String
        /// Holds the job this long before the effect (to kill a worker mid-job in tests).
        public var holdMs: Int?

        public init(key: String, holdMs: Int? = nil) {
            self.key = key
            self.holdMs = holdMs
        }

        enum CodingKeys: String, CodingKey {
            case key
            case holdMs = "hold_ms"
        }
    }

    public static let kind: JobKind = "diagnostics.probe"
    let ledger: any JobEffectLedger
    let onStart: (@Sendable (String) -> Void)?

    public init(ledger: any JobEffectLedger, onStart: (@Sendable (String) -> Void)? = nil) {
        self.ledger = ledger
        self.onStart = onStart
    }

    public func run(_ payload: Payload, context: JobContext) async throws {
        onStart?(payload.key)
        if let hold = payload.holdMs, hold > 0 { try await Task.sleep(for: .milliseconds(min(hold, 600_000))) }
        _ = try await ledger.record("probe:\(payload.key)", job: context.id, tenant: context.tenantID)
    }
}
