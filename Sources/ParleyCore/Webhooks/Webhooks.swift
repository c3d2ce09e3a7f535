import Foundation

public enum WebhookTag {}
public typealias WebhookID = Identifier<WebhookTag>
public enum WebhookDeliveryTag {}
public typealias WebhookDeliveryID = Identifier<WebhookDeliveryTag>

/// What a tenant's CRM can be told.
public enum WebhookEvent: String, Sendable, Codable, CaseIterable {
    case leadCreated = "lead.created"
    case leadUpdated = "lead.updated"
    case summaryCreated = "summary.created"
}

/// Where a tenant's events go. The signing secret is kept sealed (`SecretBox`); it is shown
/// once, when the endpoint is made.
public struct WebhookEndpoint: Sendable, Equatable {
    public var id: WebhookID
    public var tenantID: TenantID
    public var url: String
    public var events: [WebhookEvent]
    public var active: Bool
    public var createdAt: Date

    public init(id: WebhookID = WebhookID(), tenantID: TenantID, url: String, events: [WebhookEvent], active: Bool = true, createdAt: Date = Date()) {
        self.id = id
        self.tenantID = tenantID
        self.url = url
        self.events = events
        self.active = active
        self.createdAt = createdAt
    }
}

/// One event for one endpoint, and how delivering it went.
public struct WebhookDelivery: Sendable, Equatable {
    public enum Status: String, Sendable, Codable {
        case pending, delivered, failed
    }

    public var id: WebhookDeliveryID
    public var tenantID: TenantID
    public var endpointID: WebhookID
    public var event: WebhookEvent
    /// The JSON body sent, exactly (the signature covers these bytes).
    public var body: String
    public var status: Status
    public var attempts: Int
    /// The endpoint's last HTTP status (nil: no answer).
    public var responseStatus: Int?
    /// Why the last attempt failed, in Parley's words (never the endpoint's body).
    public var lastError: String?
    public var createdAt: Date
    public var deliveredAt: Date?

    public init(id: WebhookDeliveryID = WebhookDeliveryID(), tenantID: TenantID, endpointID: WebhookID, event: WebhookEvent, body: String,
                status: Status = .pending, attempts: Int = 0, responseStatus: Int? = nil, lastError: String? = nil,
                createdAt: Date = Date(), deliveredAt: Date? = nil) {
        self.id = id
        self.tenantID = tenantID
        self.endpointID = endpointID
        self.event = event
        self.body = body
        self.status = status
        self.attempts = attempts
        self.responseStatus = responseStatus
        self.lastError = lastError
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
    }
}

/// Webhook endpoints and their deliveries, always with their tenant.
public protocol WebhookStore: Sendable {
    func create(_ endpoint: WebhookEndpoint, sealedSecret: String) async throws
    func endpoints(tenant: TenantID) async throws -> [WebhookEndpoint]
    /// The endpoint with its sealed secret.
    func endpoint(tenant: TenantID, id: WebhookID) async throws -> (WebhookEndpoint, sealedSecret: String)?
    /// Deletes the endpoint and its deliveries; false when the tenant has no such endpoint.
    func delete(tenant: TenantID, id: WebhookID) async throws -> Bool
    func record(_ delivery: WebhookDelivery) async throws
    func delivery(tenant: TenantID, id: WebhookDeliveryID) async throws -> WebhookDelivery?
    /// Counts an attempt and stores how it ended.
    func finishAttempt(tenant: TenantID, id: WebhookDeliveryID, status: WebhookDelivery.Status, responseStatus: Int?, error: String?, at: Date) async throws
    /// The endpoint's newest deliveries, newest first.
    func deliveries(tenant: TenantID, endpoint: WebhookID, limit: Int) async throws -> [WebhookDelivery]
}
