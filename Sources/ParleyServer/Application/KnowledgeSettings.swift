import FluentKit
import Foundation
import ParleyCore
import ParleyIngest
import ParleyRetrieval
import ParleyStore

/// Builds the knowledge base's parts from configuration.
enum KnowledgeSettings {
    static func make(_ config: ParleyConfig) -> KnowledgeBaseSettings {
        let retrieval = config.retrieval
        return KnowledgeBaseSettings(
            fusion: ScoreFusion(method: retrieval.fusion, alpha: retrieval.convexAlpha, rrfK: retrieval.rrfK),
            candidates: retrieval.candidates, bm25K1: retrieval.bm25K1, bm25B: retrieval.bm25B)
    }

    static func chunker(_ config: ParleyConfig) -> TextChunker {
        TextChunker(targetTokens: config.retrieval.chunkTokens, overlapTokens: config.retrieval.chunkOverlap)
    }

    static func crawler(_ config: ParleyConfig) throws -> WebCrawler {
        let ingest = config.ingest
        let addresses = try FetchAddressPolicy(allowPrivateNetworks: ingest.allowPrivateNetworks,
                                               allowedAddressLiterals: ingest.allowedPrivateAddresses)
        return WebCrawler(settings: .init(userAgent: ingest.userAgent, maxDepth: ingest.maxDepth, maxPages: ingest.maxPages,
                                          useSitemap: ingest.useSitemap, timeout: .milliseconds(Int64(ingest.fetchTimeoutSeconds * 1000)),
                                          maxBytes: ingest.maxUploadBytes, addresses: addresses,
                                          crawlTimeout: .milliseconds(Int64(ingest.crawlTimeoutSeconds * 1000))))
    }

    static func ingestion(_ config: ParleyConfig, knowledge: KnowledgeBase, database: any Database,
                          counters: any RateCounterStore) throws -> IngestionService {
        IngestionService(store: FluentKnowledgeStore(database: database), knowledge: knowledge,
                         loader: DocumentLoader(maxBytes: config.ingest.maxUploadBytes, crawler: try crawler(config)),
                         chunker: chunker(config), quotas: quotas(config, database: database, counters: counters))
    }

    /// Each tenant's quotas: parley.yaml's `quotas` under the tenant's own `quotas.*` settings.
    static func quotas(_ config: ParleyConfig, database: any Database, counters: any RateCounterStore) -> IngestionQuotas {
        let tenants = FluentTenantDirectory(database: database)
        let defaults = config.quotas
        return IngestionQuotas(quota: { tenant in
            KnowledgeQuota(config: defaults, tenantSettings: try await tenants.tenant(id: tenant)?.settings ?? .object([:]))
        }, crawlCounters: counters)
    }
}
