import Crypto
import Foundation
import ParleyCore

/// A tenant's webhook endpoints as its owners manage them: register one (its signing secret made
/// here and shown once), list them, delete one, read its deliveries.
public struct TenantWebhooks: Sendable {
    public static let maxEndpoints = 10

    private let tenant: TenantID
    private let store: any WebhookStore
    private let poster: WebhookPoster
    private let secrets: SecretBox

    public init(tenant: TenantID, store: any WebhookStore, poster: WebhookPoster, secrets: SecretBox) {
        self.tenant = tenant
        self.store = store
        self.poster = poster
        self.secrets = secrets
    }

    public static let unknownEndpoint = ParleyError.notFound("unknown_webhook", "This tenant has no such webhook.")

    /// Registers `url` for `events` (all when empty); returns the endpoint and its secret.
    public func create(url raw: String, events: [WebhookEvent]) async throws -> (WebhookEndpoint, secret: String) {
        let url = try poster.check(raw)
        guard try await store.endpoints(tenant: tenant).count < Self.maxEndpoints else {
            throw ParleyError(code: "too_many_webhooks", message: "A tenant can have at most \(Self.maxEndpoints) webhooks.", kind: .conflict)
        }
        let secret = "whsec_" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64URLEncoded()
        var chosen: [WebhookEvent] = []
        for event in events.isEmpty ? WebhookEvent.allCases : events where !chosen.contains(event) { chosen.append(event) }
        let endpoint = WebhookEndpoint(tenantID: tenant, url: url.absoluteString, events: chosen)
        try await store.create(endpoint, sealedSecret: try secrets.seal(secret))
        return (endpoint, secret)
    }

    public func list() async throws -> [WebhookEndpoint] {
        try await store.endpoints(tenant: tenant)
    }

    public func delete(_ id: WebhookID) async throws {
        guard try await store.delete(tenant: tenant, id: id) else { throw Self.unknownEndpoint }
    }

    public func deliveries(_ id: WebhookID, limit: Int) async throws -> [WebhookDelivery] {
        guard try await store.endpoint(tenant: tenant, id: id) != nil else { throw Self.unknownEndpoint }
        return try await store.deliveries(tenant: tenant, endpoint: id, limit: limit)
    }
}
