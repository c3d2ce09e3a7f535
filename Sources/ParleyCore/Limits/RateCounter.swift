import Foundation

/// A fixed window of time that a rate counter counts in: windows start on whole minutes and
/// whole UTC days of the Unix epoch, so every process computes the same window for an instant.
public enum RateWindow: String, Sendable, CaseIterable, Codable {
    case minute
    case day

    public var seconds: Int64 {
        switch self {
        case .minute: 60
        case .day: 86_400
        }
    }

    /// The start of the window `instant` falls in, in Unix seconds.
    public func start(of instant: Date) -> Int64 {
        let now = Int64(instant.timeIntervalSince1970.rounded(.down))
        return now - ((now % seconds) + seconds) % seconds
    }

    /// Whole seconds from `instant` until the window it falls in ends (at least 1).
    public func secondsLeft(at instant: Date) -> Int {
        let end = Double(start(of: instant) + seconds)
        return max(1, Int((end - instant.timeIntervalSince1970).rounded(.up)))
    }
}

/// Who a counter counts: one client address, one visitor session, or a whole tenant.
public enum RateScope: String, Sendable, CaseIterable, Codable {
    case ip
    case visitor
    case tenant
}

/// One counter a request must fit under: the `limit`-th request in the window passes, the next does not.
public struct RateCounter: Sendable, Hashable {
    public var tenantID: TenantID
    public var scope: RateScope
    /// Identifies the subject within the scope (a keyed hash of an address or session key, never the raw value).
    public var subject: String
    public var window: RateWindow
    public var limit: Int

    public init(tenantID: TenantID, scope: RateScope, subject: String, window: RateWindow, limit: Int) {
        self.tenantID = tenantID
        self.scope = scope
        self.subject = subject
        self.window = window
        self.limit = limit
    }

    /// The counter's name within its tenant: `visitor:3fa1…:minute`.
    public var key: String { "\(scope.rawValue):\(subject):\(window.rawValue)" }
}

/// The counter a refused request would have passed, and when trying again can succeed.
public struct RateRefusal: Sendable, Equatable {
    public var scope: RateScope
    public var window: RateWindow
    public var limit: Int
    public var retryAfterSeconds: Int

    public init(scope: RateScope, window: RateWindow, limit: Int, retryAfterSeconds: Int) {
        self.scope = scope
        self.window = window
        self.limit = limit
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// Where the counters live: memory for one process, the database when several processes
/// share it. Both count all of a request's counters or none of them, so a refused request uses
/// up nothing, and a burst of concurrent requests never passes more than a limit allows.
public protocol RateCounterStore: Sendable {
    /// Counts one request on every counter if each stays within its limit; otherwise counts
    /// nothing and returns the refusal (of the counter whose window ends last, when several are full).
    func consume(_ counters: [RateCounter], at instant: Date) async throws -> RateRefusal?
    /// Forgets counters whose windows ended before `instant`.
    func purgeExpired(before instant: Date) async throws
}

extension RateRefusal {
    /// The refusal to report when several counters are full: waiting for the latest window's end
    /// is the only wait after which the request can pass.
    public static func latest(_ refusals: [RateRefusal]) -> RateRefusal? {
        refusals.max { $0.retryAfterSeconds < $1.retryAfterSeconds }
    }
}
