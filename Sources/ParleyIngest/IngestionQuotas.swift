import Foundation
import ParleyCore

/// How ingestion learns a tenant's quotas and counts the pages its crawls fetch each day.
/// Sources are checked when submitted (count and bytes of the input), chunks and stored text
/// when a source's chunks are about to be stored (a source past a quota fails with the reason
/// and writes nothing), crawl pages page by page (a crawl stops where the day's quota ends).
public struct IngestionQuotas: Sendable {
    let quota: @Sendable (TenantID) async throws -> KnowledgeQuota
    let crawlCounters: (any RateCounterStore)?

    public init(quota: @escaping @Sendable (TenantID) async throws -> KnowledgeQuota, crawlCounters: (any RateCounterStore)?) {
        self.quota = quota
        self.crawlCounters = crawlCounters
    }

    /// No quotas at all (tools and tests that ingest without a server).
    public static let unlimited = IngestionQuotas(quota: { _ in KnowledgeQuota() }, crawlCounters: nil)

    /// The budget of pages `tenant`'s crawls may still fetch today, one page at a time.
    func crawlBudget(tenant: TenantID, quota: KnowledgeQuota) -> CrawlPageBudget? {
        guard quota.crawlPagesPerDay > 0, let counters = crawlCounters else { return nil }
        let counter = RateCounter(tenantID: tenant, scope: .tenant, subject: "crawl_pages", window: .day, limit: quota.crawlPagesPerDay)
        return CrawlPageBudget(limit: quota.crawlPagesPerDay) { try await counters.consume([counter], at: Date()) == nil }
    }
}

/// Pages a crawl may still fetch: each fetch takes one, and a crawl stops when none is left.
public struct CrawlPageBudget: Sendable {
    public let limit: Int
    let take: @Sendable () async throws -> Bool

    public init(limit: Int, take: @escaping @Sendable () async throws -> Bool) {
        self.limit = limit
        self.take = take
    }

    var exhausted: IngestionFailure {
        IngestionFailure("the knowledge base has used its quota of \(limit) crawled pages for today (quotas.crawl_pages_per_day); try again tomorrow")
    }
}
