import FluentKit
import FluentSQL
import Foundation
import ParleyCore
import SQLKit

/// Webhook endpoints and deliveries; every query names the tenant.
public struct FluentWebhookStore: WebhookStore {
    private let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func create(_ endpoint: WebhookEndpoint, sealedSecret: String) async throws {
        let row = WebhookEndpointModel()
        row.id = endpoint.id.uuid
        row.tenantID = endpoint.tenantID.uuid
        row.url = endpoint.url
        row.events = endpoint.events.map(\.rawValue).joined(separator: ",")
        row.secretSealed = sealedSecret
        row.active = endpoint.active
        try await row.create(on: database)
    }

    /// Read with SQLKit into the model (a statement SQLite runs directly): every lead change
    /// reads its tenant's endpoints.
    public func endpoints(tenant: TenantID) async throws -> [WebhookEndpoint] {
        guard let sql = database as? any SQLDatabase else { throw ParleyError.internalFailure("Webhooks need an SQL database.") }
        return try await sql.select().column("*").from(WebhookEndpointModel.schema).where("tenant_id", .equal, tenant.uuid)
            .orderBy("created_at").orderBy("id").all().map { try $0.decode(fluentModel: WebhookEndpointModel.self) }.compactMap(Self.endpoint)
    }

    public func endpoint(tenant: TenantID, id: WebhookID) async throws -> (WebhookEndpoint, sealedSecret: String)? {
        guard let row = try await WebhookEndpointModel.query(on: database).filter(\.$tenantID == tenant.uuid).filter(\.$id == id.uuid).first(),
              let endpoint = Self.endpoint(row) else { return nil }
        return (endpoint, row.secretSealed)
    }

    public func delete(tenant: TenantID, id: WebhookID) async throws -> Bool {
        try await database.transaction { database in
            guard try await WebhookEndpointModel.query(on: database).filter(\.$tenantID == tenant.uuid).filter(\.$id == id.uuid).count() > 0 else {
                return false
            }
            try await WebhookDeliveryModel.query(on: database).filter(\.$tenantID == tenant.uuid).filter(\.$endpointID == id.uuid).delete()
            try await WebhookEndpointModel.query(on: database).filter(\.$tenantID == tenant.uuid).filter(\.$id == id.uuid).delete()
            return true
        }
    }

    public func record(_ delivery: WebhookDelivery) async throws {
        let row = WebhookDeliveryModel()
        row.id = delivery.id.uuid
        row.tenantID = delivery.tenantID.uuid
        row.endpointID = delivery.endpointID.uuid
        row.event = delivery.event.rawValue
        row.body = delivery.body
        row.status = delivery.status.rawValue
        row.attempts = delivery.attempts
        try await row.create(on: database)
    }

    public func delivery(tenant: TenantID, id: WebhookDeliveryID) async throws -> WebhookDelivery? {
        try await WebhookDeliveryModel.query(on: database).filter(\.$tenantID == tenant.uuid).filter(\.$id == id.uuid).first().flatMap(Self.delivery)
    }

    public func finishAttempt(tenant: TenantID, id: WebhookDeliveryID, status: WebhookDelivery.Status, responseStatus: Int?, error: String?,
                              at: Date) async throws {
        guard let row = try await WebhookDeliveryModel.query(on: database).filter(\.$tenantID == tenant.uuid).filter(\.$id == id.uuid).first() else { return }
        row.attempts += 1
        row.status = status.rawValue
        row.responseStatus = responseStatus
        row.lastError = error.map { String($0.prefix(500)) }
        if status == .delivered { row.deliveredAt = at }
        try await row.save(on: database)
    }

    public func deliveries(tenant: TenantID, endpoint: WebhookID, limit: Int) async throws -> [WebhookDelivery] {
        try await WebhookDeliveryModel.query(on: database).filter(\.$tenantID == tenant.uuid).filter(\.$endpointID == endpoint.uuid)
            .sort(\.$createdAt, .descending).limit(max(1, min(limit, 500))).all().compactMap(Self.delivery)
    }

    static func endpoint(_ row: WebhookEndpointModel) -> WebhookEndpoint? {
        guard let id = row.id else { return nil }
        return WebhookEndpoint(id: WebhookID(id), tenantID: TenantID(row.tenantID), url: row.url,
                               events: row.events.split(separator: ",").compactMap { WebhookEvent(rawValue: String($0)) },
                               active: row.active, createdAt: row.createdAt ?? Date())
    }

    static func delivery(_ row: WebhookDeliveryModel) -> WebhookDelivery? {
        guard let id = row.id, let event = WebhookEvent(rawValue: row.event) else { return nil }
        return WebhookDelivery(id: WebhookDeliveryID(id), tenantID: TenantID(row.tenantID), endpointID: WebhookID(row.endpointID), event: event,
                               body: row.body, status: WebhookDelivery.Status(rawValue: row.status) ?? .failed, attempts: row.attempts,
                               responseStatus: row.responseStatus, lastError: row.lastError, createdAt: row.createdAt ?? Date(),
                               deliveredAt: row.deliveredAt)
    }
}
