import Foundation

/// An e-mail Parley sends on its own behalf (a budget warning now; lead summaries later).
public struct OutgoingEmail: Sendable, Equatable {
    public var tenantID: TenantID
    /// What it is about (`budget_warning`), so a sender can tell whether it already sent one.
    public var kind: String
    public var to: String
    public var subject: String
    public var text: String

    public init(tenantID: TenantID, kind: String, to: String, subject: String, text: String) {
        self.tenantID = tenantID
        self.kind = kind
        self.to = to
        self.subject = subject
        self.text = text
    }
}

/// Where outgoing e-mail goes: `email_events`, each row an attempt with its status. The default
/// driver keeps them there (`outbox`, shown in the panel); a delivering driver (Mailgun) reads
/// and updates the same rows.
public protocol EmailOutbox: Sendable {
    func queue(_ email: OutgoingEmail) async throws
    /// Whether an e-mail of `kind` was queued for the tenant at or after `since`.
    func hasQueued(kind: String, tenant: TenantID, since: Date) async throws -> Bool
    /// The tenant's newest e-mails, newest first.
    func recent(tenant: TenantID, limit: Int) async throws -> [QueuedEmail]
}

public struct QueuedEmail: Sendable, Equatable {
    public var kind: String?
    public var to: String
    public var subject: String
    public var status: String
    public var createdAt: Date

    public init(kind: String?, to: String, subject: String, status: String, createdAt: Date) {
        self.kind = kind
        self.to = to
        self.subject = subject
        self.status = status
        self.createdAt = createdAt
    }
}
