import Foundation
import Logging
import ParleyCore
import ParleyJobs

/// Hands an event to every endpoint of the tenant that subscribed to it: a delivery row with the
/// exact body, then a `webhooks.deliver` job. A failure here is logged and never the caller's
/// problem: a lead is recorded whether or not its CRM hears of it.
public struct WebhookPublisher: Sendable {
    private let store: any WebhookStore
    private let jobs: JobQueue
    private let maxAttempts: Int
    private let logger: Logger

    public init(store: any WebhookStore, jobs: JobQueue, maxAttempts: Int, logger: Logger = Logger(label: "parley.webhooks")) {
        self.store = store
        self.jobs = jobs
        self.maxAttempts = max(1, maxAttempts)
        self.logger = logger
    }

    /// The body every endpoint gets: `{"id", "event", "created_at", "data"}`.
    static func body(id: WebhookDeliveryID, event: WebhookEvent, data: JSONValue, at: Date) -> String {
        JSONValue.object(["id": .string(id.description), "event": .string(event.rawValue),
                          "created_at": .string(ISO8601DateFormatter().string(from: at)), "data": data]).jsonString
    }

    /// Returns how many deliveries were queued.
    @discardableResult
    public func publish(_ event: WebhookEvent, tenant: TenantID, data: JSONValue, at: Date = Date()) async -> Int {
        do {
            var queued = 0
            for endpoint in try await store.endpoints(tenant: tenant) where endpoint.active && endpoint.events.contains(event) {
                let id = WebhookDeliveryID()
                try await store.record(WebhookDelivery(id: id, tenantID: tenant, endpointID: endpoint.id, event: event,
                                                       body: Self.body(id: id, event: event, data: data, at: at)))
                try await jobs.enqueue(WebhookDeliveryJob.self, .init(deliveryID: id), tenant: tenant, maxAttempts: maxAttempts,
                                       dedupeKey: "\(WebhookDeliveryJob.kind.name):\(id)")
                queued += 1
            }
            return queued
        } catch {
            logger.warning("webhook not queued", metadata: ["event": "webhook_queue_failed", "webhook_event": "\(event.rawValue)",
                                                             "error_type": "\(type(of: error))"])
            return 0
        }
    }
}

/// Delivers one webhook (`webhooks.deliver`): signed, posted, and its outcome logged on the
/// delivery. 2xx delivers it; 429, 5xx and no answer are retried with back-off (`Retry-After`
/// honoured); any other answer, or an address the policy refuses, fails it at once.
public struct WebhookDeliveryJob: JobHandler {
    public struct Payload: Codable, Sendable {
        public var deliveryID: WebhookDeliveryID
        public init(deliveryID: WebhookDeliveryID) { self.deliveryID = deliveryID }
        enum CodingKeys: String, CodingKey { case deliveryID = "delivery_id" }
    }

    public static let kind: JobKind = "webhooks.deliver"
    let store: any WebhookStore
    let poster: WebhookPoster
    let secrets: SecretBox

    public init(store: any WebhookStore, poster: WebhookPoster, secrets: SecretBox) {
        self.store = store
        self.poster = poster
        self.secrets = secrets
    }

    public func run(_ payload: Payload, context: JobContext) async throws {
        guard let tenant = context.tenantID else { throw PermanentJobFailure("a webhook job must name its tenant") }
        guard let delivery = try await store.delivery(tenant: tenant, id: payload.deliveryID) else {
            throw PermanentJobFailure("the delivery no longer exists (its endpoint was deleted)")
        }
        guard delivery.status == .pending else { return }
        func finish(_ status: WebhookDelivery.Status, _ code: Int?, _ error: String?) async throws {
            try await store.finishAttempt(tenant: tenant, id: delivery.id, status: status, responseStatus: code, error: error, at: Date())
        }
        guard let (endpoint, sealed) = try await store.endpoint(tenant: tenant, id: delivery.endpointID), let secret = secrets.open(sealed) else {
            try await finish(.failed, nil, "the endpoint is gone, or its secret cannot be read (was the server secret changed?)")
            throw PermanentJobFailure("the webhook endpoint or its secret is gone")
        }
        let timestamp = Int(Date().timeIntervalSince1970)
        let headers = [("Content-Type", "application/json"), ("User-Agent", "Parley-Webhooks/1"), ("Parley-Event", delivery.event.rawValue),
                       ("Parley-Delivery", delivery.id.description), ("Parley-Timestamp", String(timestamp)),
                       ("Parley-Signature", WebhookSignature.header(secret: secret, timestamp: timestamp, body: delivery.body))]
        let outcome = await poster.post(delivery.body, to: endpoint.url, headers: headers)
        let last = context.attempt >= context.maxAttempts
        switch outcome {
        case .answered(let status, _) where (200 ..< 300).contains(status):
            try await finish(.delivered, status, nil)
            context.logger.info("webhook delivered", metadata: ["event": "webhook_delivered", "webhook_event": "\(delivery.event.rawValue)", "status": "\(status)"])
        case .answered(let status, let retryAfter) where RetryPolicy.isRetryable(status: status):
            try await finish(last ? .failed : .pending, status, "the endpoint answered \(status)")
            if last { throw PermanentJobFailure("the endpoint answered \(status) on the last attempt") }
            throw RetryJobLater("the endpoint answered \(status)", after: retryAfter)
        case .answered(let status, _):
            try await finish(.failed, status, "the endpoint answered \(status); not retried")
            throw PermanentJobFailure("the endpoint answered \(status)")
        case .refused(let reason):
            try await finish(.failed, nil, reason)
            throw PermanentJobFailure(reason)
        case .unanswered(let reason):
            try await finish(last ? .failed : .pending, nil, reason)
            if last { throw PermanentJobFailure(reason) }
            throw RetryJobLater(reason)
        }
    }
}
