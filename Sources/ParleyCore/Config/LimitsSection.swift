extension ParleyConfig {
    /// What one caller may cost: chat turns per client address, per visitor session and per
    /// tenant, per minute and per UTC day (0: no limit), and answers streamed at once. Tenants
    /// override the rates in their settings (`limits.visitor_per_minute=…`), agents the
    /// per-visitor minute rate (`tenant_agents.rate_limit_per_minute`, `agents.<code>.rate_limit_per_minute`).
    public struct LimitsSection: Sendable, Codable, Equatable {
        /// Seed 004's defaults: 20 a minute and 500 a day per visitor.
        public var visitorPerMinute = 20
        public var visitorPerDay = 500
        /// Several visitors can share an address (an office, a mobile carrier's NAT).
        public var ipPerMinute = 60
        public var ipPerDay = 2_000
        public var tenantPerMinute = 600
        public var tenantPerDay = 50_000
        /// Answers streaming at once, per tenant and per client address, in each server process.
        public var streamsPerTenant = 200
        public var streamsPerIP = 8
        /// Where the counters live: `auto` (the database when it is PostgreSQL, shared by every
        /// process; memory with SQLite), `memory` or `database`.
        public var counters = CounterStore.auto
        /// Reverse proxies in front of Parley that append to X-Forwarded-For: the client address
        /// is the entry this many places from the right. 0 uses the connection's address.
        public var trustedProxyHops = 0

        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable {
            case counters
            case visitorPerMinute = "visitor_per_minute", visitorPerDay = "visitor_per_day"
            case ipPerMinute = "ip_per_minute", ipPerDay = "ip_per_day"
            case tenantPerMinute = "tenant_per_minute", tenantPerDay = "tenant_per_day"
            case streamsPerTenant = "streams_per_tenant", streamsPerIP = "streams_per_ip"
            case trustedProxyHops = "trusted_proxy_hops"
        }
    }

    public enum CounterStore: String, Sendable, Codable, Equatable, ConfigChoice {
        case auto, memory, database
    }
}
