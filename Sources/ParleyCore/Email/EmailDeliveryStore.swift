import Foundation

/// One e-mail as a delivering driver reads it to send it.
public struct EmailForDelivery: Sendable, Equatable {
    public var id: EmailID
    public var tenantID: TenantID
    public var email: OutgoingEmail
    public var status: EmailStatus
    /// Attempts made so far.
    public var attempts: Int
    /// The `Message-Id` the last attempt sent, without angle brackets (set before the request leaves, so that a send
    /// whose outcome was lost can be looked up at the provider instead of being sent again).
    public var providerMessageID: String?
    /// When the row last changed (the last attempt's start or end).
    public var updatedAt: Date?

    public init(id: EmailID, tenantID: TenantID, email: OutgoingEmail, status: EmailStatus, attempts: Int, providerMessageID: String?,
                updatedAt: Date? = nil) {
        self.updatedAt = updatedAt
        self.id = id
        self.tenantID = tenantID
        self.email = email
        self.status = status
        self.attempts = attempts
        self.providerMessageID = providerMessageID
    }
}

/// What one delivery attempt came to, as stored in the row's `provider_response.attempts`.
public struct EmailAttempt: Sendable, Equatable {
    public var at: Date
    /// The provider's HTTP status (nil: no answer, e.g. a timeout).
    public var httpStatus: Int?
    /// The provider's answer, shortened (never a secret: Mailgun answers with an id and a message).
    public var response: String
    public var outcome: EmailStatus
    /// The provider's id for the message when it accepted it (replaces the one sent).
    public var providerMessageID: String?

    public init(at: Date, httpStatus: Int?, response: String, outcome: EmailStatus, providerMessageID: String? = nil) {
        self.providerMessageID = providerMessageID
        self.at = at
        self.httpStatus = httpStatus
        self.response = response
        self.outcome = outcome
    }
}

/// The rows of `email_events` as a delivering driver and the provider's webhooks change them.
public protocol EmailDeliveryStore: Sendable {
    func email(tenant: TenantID, id: EmailID) async throws -> EmailForDelivery?
    /// Marks the e-mail `sending` with the `Message-Id` it is about to be sent with, counting an
    /// attempt; returns false when it is no longer `queued` or `sending` (sent, failed).
    func beginAttempt(tenant: TenantID, id: EmailID, providerMessageID: String) async throws -> Bool
    /// Records how an attempt ended and the status it leaves the e-mail in.
    func finishAttempt(tenant: TenantID, id: EmailID, _ attempt: EmailAttempt) async throws
    /// Applies a provider event (delivered, bounced, …) to the e-mail sent with `providerMessageID`,
    /// whatever its tenant; returns whether such an e-mail exists. A status never moves back
    /// from a final one to `sent`.
    func applyProviderEvent(providerMessageID: String, status: EmailStatus, detail: String, at: Date) async throws -> Bool
    /// E-mails of every tenant still `queued` or `sending` and unchanged since `before`, oldest
    /// first: the sweep re-queues their send jobs (a job that could not be queued, or was lost).
    func undelivered(before: Date, limit: Int) async throws -> [(tenant: TenantID, id: EmailID)]
}
