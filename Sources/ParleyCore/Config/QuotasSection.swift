extension ParleyConfig {
    /// What one tenant's knowledge base may hold and fetch (0: no quota). Tenants override
    /// them in their settings (`quotas.sources=…`).
    public struct QuotasSection: Sendable, Codable, Equatable {
        public var sourcesPerTenant = 1_000
        public var chunksPerTenant = 200_000
        /// Extracted text of every source plus inputs waiting to be ingested, in bytes.
        public var storedBytesPerTenant = 524_288_000
        /// Pages all of a tenant's crawls may fetch in one UTC day.
        public var crawlPagesPerDay = 5_000

        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable {
            case sourcesPerTenant = "sources_per_tenant", chunksPerTenant = "chunks_per_tenant"
            case storedBytesPerTenant = "stored_bytes_per_tenant", crawlPagesPerDay = "crawl_pages_per_day"
        }
    }
}
