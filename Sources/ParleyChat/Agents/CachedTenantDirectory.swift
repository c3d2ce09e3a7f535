import Foundation
import ParleyCore

/// A tenant directory whose lookups go through a ``ReadThroughCache``: every chat request looks
/// its tenant up (by widget key, slug, API key or the id in a stream token), and the answer
/// changes only when someone edits the tenant. Writes go straight through (and retire the
/// cache's entries, ``DirectoryChanges``); so do lists, which only administrators ask for.
public struct CachedTenantDirectory: TenantDirectory {
    /// How a tenant was looked up: one cache for all four ways.
    public enum Lookup: Hashable, Sendable {
        case id(TenantID), slug(String), widgetKey(String), apiKeyHash(String)
    }

    private let wrapped: any TenantDirectory
    private let cache: ReadThroughCache<Lookup, Tenant>

    public init(_ wrapped: any TenantDirectory, cache: ReadThroughCache<Lookup, Tenant>) {
        self.wrapped = wrapped
        self.cache = cache
    }

    public func tenant(id: TenantID) async throws -> Tenant? {
        try await cache.value(for: .id(id)) { try await wrapped.tenant(id: id) }
    }

    public func tenant(slug: String) async throws -> Tenant? {
        try await cache.value(for: .slug(slug)) { try await wrapped.tenant(slug: slug) }
    }

    public func tenant(widgetKey: String) async throws -> Tenant? {
        try await cache.value(for: .widgetKey(widgetKey)) { try await wrapped.tenant(widgetKey: widgetKey) }
    }

    public func tenant(apiKeyHash: String) async throws -> Tenant? {
        try await cache.value(for: .apiKeyHash(apiKeyHash)) { try await wrapped.tenant(apiKeyHash: apiKeyHash) }
    }

    public func allTenants() async throws -> [Tenant] { try await wrapped.allTenants() }
    public func setActive(_ id: TenantID, _ active: Bool) async throws { try await wrapped.setActive(id, active) }
    public func setSettings(_ id: TenantID, _ settings: JSONValue) async throws { try await wrapped.setSettings(id, settings) }
    public func setAPIKeyHash(_ id: TenantID, _ hash: String) async throws { try await wrapped.setAPIKeyHash(id, hash) }

    public func create(name: String, slug: String, widgetKey: String, apiKeyHash: String) async throws -> Tenant {
        try await wrapped.create(name: name, slug: slug, widgetKey: widgetKey, apiKeyHash: apiKeyHash)
    }
}
