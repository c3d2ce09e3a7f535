import Foundation

public enum EmailTag {}
public typealias EmailID = Identifier<EmailTag>

/// An e-mail Parley sends on its own behalf: a budget warning, a lead summary for the sales team.
public struct OutgoingEmail: Sendable, Equatable {
    public var tenantID: TenantID
    /// What it is about (`budget_warning`, `lead_summary`), so a sender can tell whether it already sent one.
    public var kind: String
    public var to: String
    public var subject: String
    /// The plain-text part (always present).
    public var text: String
    /// The HTML part, already escaped (nil: text only).
    public var html: String?
    /// The conversation it is about, if any.
    public var sessionID: SessionID?
    /// Queuing the same key twice for a tenant queues one e-mail (a job that runs twice, a double click).
    public var idempotencyKey: String?

    public init(tenantID: TenantID, kind: String, to: String, subject: String, text: String, html: String? = nil,
                sessionID: SessionID? = nil, idempotencyKey: String? = nil) {
        self.tenantID = tenantID
        self.kind = kind
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.sessionID = sessionID
        self.idempotencyKey = idempotencyKey
    }
}

/// Where an e-mail stands. `outbox`: kept only (the default driver); `queued` → `sending` →
/// `sent` (the provider accepted it) → `delivered`, or `failed` (refused, or out of attempts),
/// `bounced` or `complained` (the provider's webhooks).
public enum EmailStatus: String, Sendable, Codable, CaseIterable {
    case outbox, queued, sending, sent, delivered, failed, bounced, complained
}

/// Where outgoing e-mail goes: `email_events`, one row per e-mail with its status and every
/// delivery attempt. The default driver keeps them there (`outbox`, shown in the panel); a
/// delivering driver (Mailgun) queues them and sends them from a job.
public protocol EmailOutbox: Sendable {
    /// Stores the e-mail with `status` (`outbox` or `queued`); returns its id, or nil when an
    /// e-mail with the same idempotency key was queued for the tenant before.
    @discardableResult
    func queue(_ email: OutgoingEmail, status: EmailStatus) async throws -> EmailID?
    /// Whether an e-mail of `kind` was queued for the tenant at or after `since`.
    func hasQueued(kind: String, tenant: TenantID, since: Date) async throws -> Bool
    /// The tenant's newest e-mails, newest first (at most `limit`; `session` narrows to one conversation).
    func recent(tenant: TenantID, session: SessionID?, limit: Int) async throws -> [QueuedEmail]
}

extension EmailOutbox {
    @discardableResult
    public func queue(_ email: OutgoingEmail) async throws -> EmailID? {
        try await queue(email, status: .outbox)
    }

    public func recent(tenant: TenantID, limit: Int) async throws -> [QueuedEmail] {
        try await recent(tenant: tenant, session: nil, limit: limit)
    }
}

/// An e-mail as the panel and the API list it.
public struct QueuedEmail: Sendable, Equatable {
    public var id: EmailID
    public var kind: String?
    public var to: String
    public var subject: String
    public var status: String
    public var attempts: Int
    public var sessionID: SessionID?
    public var createdAt: Date

    public init(id: EmailID = EmailID(), kind: String?, to: String, subject: String, status: String, attempts: Int = 0,
                sessionID: SessionID? = nil, createdAt: Date) {
        self.id = id
        self.kind = kind
        self.to = to
        self.subject = subject
        self.status = status
        self.attempts = attempts
        self.sessionID = sessionID
        self.createdAt = createdAt
    }
}
