import FluentKit
import Foundation
import ParleyCore

/// `TenantDirectory` on Fluent.
public struct FluentTenantDirectory: TenantDirectory {
    private let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func tenant(id: TenantID) async throws -> Tenant? {
        try await TenantModel.find(id.uuid, on: database)?.domain()
    }

    public func tenant(slug: String) async throws -> Tenant? {
        try await TenantModel.query(on: database).filter(\.$slug == slug).first()?.domain()
    }

    public func tenant(widgetKey: String) async throws -> Tenant? {
        try await TenantModel.query(on: database).filter(\.$widgetKey == widgetKey).first()?.domain()
    }

    public func tenant(apiKeyHash: String) async throws -> Tenant? {
        try await TenantModel.query(on: database).filter(\.$apiKeyHash == apiKeyHash).first()?.domain()
    }

    public func allTenants() async throws -> [Tenant] {
        try await TenantModel.query(on: database).sort(\.$slug).all().map { try $0.domain() }
    }

    public func setActive(_ id: TenantID, _ active: Bool) async throws {
        try await TenantModel.query(on: database).filter(\.$id == id.uuid).set(\.$isActive, to: active).update()
        DirectoryChanges.recordWrite()
    }

    public func setSettings(_ id: TenantID, _ settings: JSONValue) async throws {
        try await TenantModel.query(on: database).filter(\.$id == id.uuid).set(\.$settings, to: JSONObject(settings)).update()
        DirectoryChanges.recordWrite()
    }

    public func setAPIKeyHash(_ id: TenantID, _ hash: String) async throws {
        try await TenantModel.query(on: database).filter(\.$id == id.uuid).set(\.$apiKeyHash, to: hash).update()
        DirectoryChanges.recordWrite()
    }

    public func create(name: String, slug: String, widgetKey: String, apiKeyHash: String) async throws -> Tenant {
        if try await TenantModel.query(on: database).filter(\.$slug == slug).count() > 0 {
            throw ParleyError(code: "slug_taken", message: "A tenant with slug '\(slug)' already exists.", kind: .conflict)
        }
        let model = TenantModel(name: name, slug: slug, widgetKey: widgetKey, apiKeyHash: apiKeyHash)
        try await model.create(on: database)
        DirectoryChanges.recordWrite()
        return try model.domain()
    }
}
