/// What one tenant's knowledge base may hold and fetch, after layering parley.yaml's `quotas`
/// < the tenant's `quotas.*` settings. 0 means no quota.
public struct KnowledgeQuota: Sendable, Equatable {
    public var sources: Int
    public var chunks: Int
    public var storedBytes: Int
    public var crawlPagesPerDay: Int

    /// The tenant settings that override parley.yaml.
    public static let settingKeys = ["quotas.sources", "quotas.chunks", "quotas.stored_bytes", "quotas.crawl_pages_per_day"]
    public static let largestSetting = 1 << 50

    public init(sources: Int = 0, chunks: Int = 0, storedBytes: Int = 0, crawlPagesPerDay: Int = 0) {
        self.sources = sources
        self.chunks = chunks
        self.storedBytes = storedBytes
        self.crawlPagesPerDay = crawlPagesPerDay
    }

    public init(config: ParleyConfig.QuotasSection, tenantSettings: JSONValue = .object([:])) {
        func value(_ name: String, _ fallback: Int) -> Int {
            tenantSettings.wholeNumberSetting("quotas", name, largest: Self.largestSetting) ?? fallback
        }
        self.init(sources: value("sources", config.sourcesPerTenant), chunks: value("chunks", config.chunksPerTenant),
                  storedBytes: value("stored_bytes", config.storedBytesPerTenant),
                  crawlPagesPerDay: value("crawl_pages_per_day", config.crawlPagesPerDay))
    }

    /// The error a submission or an ingestion past a quota gets: it names the quota.
    public static func exceeded(_ what: String, limit: Int, setting: String) -> ParleyError {
        ParleyError(code: "quota_exceeded",
                    message: "This knowledge base has reached its quota of \(limit) \(what) (\(setting)). Delete sources or ask for a higher quota.",
                    kind: .forbidden)
    }
}

/// What one tenant's knowledge base holds now.
public struct KnowledgeUsage: Sendable, Equatable {
    public var sources: Int
    public var chunks: Int
    /// Extracted text of every source plus inputs waiting to be ingested, in bytes.
    public var storedBytes: Int

    public init(sources: Int, chunks: Int, storedBytes: Int) {
        self.sources = sources
        self.chunks = chunks
        self.storedBytes = storedBytes
    }
}
