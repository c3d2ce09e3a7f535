import FluentKit
import Foundation
import ParleyCore

/// Row of `tenants`. The secret API key is stored only as its SHA-256 hash.
final class TenantModel: Model, @unchecked Sendable {
    static let schema = "tenants"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "slug") var slug: String
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "widget_key") var widgetKey: String
    @Field(key: "api_key_hash") var apiKeyHash: String
    @Field(key: "settings") var settings: JSONObject
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(name: String, slug: String, widgetKey: String, apiKeyHash: String) {
        self.id = UUID()
        self.name = name
        self.slug = slug
        self.isActive = true
        self.widgetKey = widgetKey
        self.apiKeyHash = apiKeyHash
        self.settings = JSONObject(.object([:]))
    }

    func domain() throws -> Tenant {
        Tenant(id: TenantID(try requireID()), name: name, slug: slug, isActive: isActive, widgetKey: widgetKey,
               settings: settings.value, createdAt: createdAt ?? Date())
    }
}
