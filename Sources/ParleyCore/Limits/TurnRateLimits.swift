/// The chat turn rates that apply to one tenant and agent, after layering parley.yaml's
/// `limits` < the tenant's `limits.*` settings < the agent's per-visitor minute rate.
/// A rate of 0 means no limit.
public struct TurnRateLimits: Sendable, Equatable {
    public var rates: [RateScope: [RateWindow: Int]]

    /// The tenant settings that override parley.yaml, by name (`limits.visitor_per_minute`).
    public static let settingKeys = RateScope.allCases.flatMap { scope in
        RateWindow.allCases.map { "limits.\(settingName(scope, $0))" }
    }

    /// Highest rate a tenant setting accepts.
    public static let largestSetting = 10_000_000

    public init(rates: [RateScope: [RateWindow: Int]]) {
        self.rates = rates
    }

    public init(config: ParleyConfig.LimitsSection, tenantSettings: JSONValue = .object([:]), agentVisitorPerMinute: Int? = nil) {
        var rates: [RateScope: [RateWindow: Int]] = [
            .visitor: [.minute: config.visitorPerMinute, .day: config.visitorPerDay],
            .ip: [.minute: config.ipPerMinute, .day: config.ipPerDay],
            .tenant: [.minute: config.tenantPerMinute, .day: config.tenantPerDay],
        ]
        for scope in RateScope.allCases {
            for window in RateWindow.allCases {
                if let value = tenantSettings.wholeNumberSetting("limits", Self.settingName(scope, window), largest: Self.largestSetting) {
                    rates[scope, default: [:]][window] = value
                }
            }
        }
        if let agentVisitorPerMinute, agentVisitorPerMinute >= 0 { rates[.visitor, default: [:]][.minute] = agentVisitorPerMinute }
        self.rates = rates
    }

    public func rate(_ scope: RateScope, per window: RateWindow) -> Int { rates[scope]?[window] ?? 0 }

    /// Whether any window of `scope` has a limit.
    public func limits(_ scope: RateScope) -> Bool { RateWindow.allCases.contains { rate(scope, per: $0) > 0 } }

    /// The counters one turn must fit under; scopes without a subject (a first message has no
    /// session yet) and rates of 0 are left out.
    public func counters(tenant: TenantID, subjects: [RateScope: String]) -> [RateCounter] {
        RateScope.allCases.flatMap { scope -> [RateCounter] in
            let subject = scope == .tenant ? "all" : subjects[scope]
            guard let subject else { return [] }
            return RateWindow.allCases.compactMap { window in
                let limit = rate(scope, per: window)
                return limit > 0 ? RateCounter(tenantID: tenant, scope: scope, subject: subject, window: window, limit: limit) : nil
            }
        }
    }

    static func settingName(_ scope: RateScope, _ window: RateWindow) -> String { "\(scope.rawValue)_per_\(window.rawValue)" }
}
