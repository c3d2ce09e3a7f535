import Foundation
import Logging
import ParleyCore
import ParleyRetrieval
import ServiceLifecycle

/// Keeps this process's in-memory indexes (BM25, the embedded vector store, chunk texts) in
/// step with chunk changes made by any process: it reads the knowledge change log every
/// `interval` and reloads each changed source from the database. With two `parley serve`
/// processes on one PostgreSQL, a source added or deleted through one is searchable (or gone)
/// in the other within about `interval` plus the reload. It also follows the tenants' fitted
/// dense weights (`retrieval_fits`) when `fits` is given.
public struct IndexFollower: Service {
    public let store: any KnowledgeStore
    public let knowledge: KnowledgeBase
    public let cursor: KnowledgeChangeCursor
    public let fits: (any DenseWeightFitStore)?
    public var interval: Duration
    public var batch = 500
    private let logger: Logger

    public init(store: any KnowledgeStore, knowledge: KnowledgeBase, cursor: KnowledgeChangeCursor, fits: (any DenseWeightFitStore)? = nil,
                interval: Duration = .milliseconds(500), logger: Logger = Logger(label: "parley.index.follow")) {
        self.store = store
        self.knowledge = knowledge
        self.cursor = cursor
        self.fits = fits
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var failures = 0
            // Fits stored before the process started were loaded with the indexes.
            var fitsSince = Date().addingTimeInterval(-Self.fitOverlap)
            while !Task.isCancelled {
                do {
                    while try await catchUp() == batch {}  // a full batch: read on at once
                    fitsSince = try await followFits(since: fitsSince)
                    failures = 0
                } catch {
                    failures += 1
                    if failures == 1 || failures.isMultiple(of: 60) {
                        logger.warning("could not follow knowledge changes", metadata: ["event": "index_follow_failed", "failures": "\(failures)"])
                    }
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// How far back each read of the fits reaches behind the newest one seen: a fit stored by a
    /// process whose clock runs behind this one's is still read (applying one twice changes nothing).
    static let fitOverlap: TimeInterval = 60

    /// Applies the fits stored at or after `since`; returns where the next read starts.
    public func followFits(since: Date) async throws -> Date {
        guard let fits else { return since }
        let seen = try await fits.fits(since: since, limit: batch)
        for stored in seen { await knowledge.apply(stored.fit, tenant: stored.tenantID) }
        guard let newest = seen.last?.fittedAt else { return since }
        // A full read moves past what it saw, so that the next one cannot return the same rows.
        return seen.count == batch ? newest : max(since, newest.addingTimeInterval(-Self.fitOverlap))
    }

    /// Applies the changes after the cursor; returns how many rows the read returned.
    @discardableResult
    public func catchUp() async throws -> Int {
        let seen = try await store.knowledgeChanges(after: await cursor.floor, limit: batch)
        let pending = await cursor.unapplied(seen)
        // A source changed several times in one read is reloaded once, at its current state.
        var latest: [SourceID: KnowledgeChange] = [:]
        for change in pending { latest[change.sourceID] = change }
        for change in latest.values.sorted(by: { $0.id < $1.id }) {
            let stored = try await store.chunks(of: change.sourceID, tenant: change.tenantID)
            try await knowledge.synchronize(source: change.sourceID, tenant: change.tenantID, to: stored)
        }
        await cursor.markApplied(pending.map(\.id), seen: seen)
        if !pending.isEmpty {
            logger.debug("followed knowledge changes", metadata: ["event": "index_followed", "sources": "\(latest.count)"])
        }
        return seen.count
    }
}
