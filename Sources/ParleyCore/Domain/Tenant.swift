import Foundation

/// A business that runs Parley on its site. Everything else Parley stores belongs to one tenant.
public struct Tenant: Sendable, Hashable, Codable {
    public var id: TenantID
    public var name: String
    public var slug: String
    public var isActive: Bool
    /// The public key a page puts in the widget's `data-tenant`; safe to show.
    public var widgetKey: String
    public var settings: JSONValue
    public var createdAt: Date

    public init(id: TenantID, name: String, slug: String, isActive: Bool, widgetKey: String,
                settings: JSONValue = .object([:]), createdAt: Date = Date()) {
        self.id = id
        self.name = name
        self.slug = slug
        self.isActive = isActive
        self.widgetKey = widgetKey
        self.settings = settings
        self.createdAt = createdAt
    }
}

/// What `tenant create` hands back once: the secret API key exists only here, in clear.
public struct CreatedTenant: Sendable {
    public var tenant: Tenant
    public var apiKey: String

    public init(tenant: Tenant, apiKey: String) {
        self.tenant = tenant
        self.apiKey = apiKey
    }
}
