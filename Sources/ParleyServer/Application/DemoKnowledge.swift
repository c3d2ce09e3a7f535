import FluentKit
import Foundation
import Logging
import ParleyCore
import ParleyIngest
import ParleyStore

/// The demo tenant's knowledge base: a fictional e-bike maker's product pages, prices,
/// warranty page and FAQ, bundled with the server so README command 1 answers with citations.
enum DemoKnowledge {
    static let files = ["about.md", "products.md", "pricing-and-delivery.md", "warranty-and-service.html", "faq.json"]

    static func seedIfEmpty(services: ParleyServices, database: any Database, logger: Logger) async throws {
        guard let tenant = try await FluentTenantDirectory(database: database).tenant(slug: services.config.app.defaultTenant),
              try await services.ingestion.store.sources(tenant: tenant.id).isEmpty else { return }
        for file in files {
            guard let url = Bundle.module.url(forResource: file, withExtension: nil, subdirectory: "DemoKnowledge"),
                  let data = FileManager.default.contents(atPath: url.path) else {
                logger.warning("demo knowledge file missing", metadata: ["event": "demo_knowledge_missing", "file": "\(file)"])
                continue
            }
            let input = SourceInput(kind: SourceInput.kind(forFileName: file), locator: "demo/\(file)", payload: .file(data))
            let outcome = try await services.ingestion.ingest(input, tenant: tenant.id)
            if outcome.change == .failed {
                logger.warning("demo knowledge file failed", metadata: ["event": "demo_knowledge_failed", "file": "\(file)",
                                                                        "reason": "\(outcome.source.failureReason ?? "")"])
            }
        }
    }
}
