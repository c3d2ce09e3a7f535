import FluentKit
import Foundation
import ParleyCore

/// The `outbox` e-mail driver: every e-mail is a row of `email_events` with status `outbox`.
public struct FluentEmailOutbox: EmailOutbox {
    private let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func queue(_ email: OutgoingEmail) async throws {
        let row = EmailEventModel()
        row.tenantID = email.tenantID.uuid
        row.kind = email.kind
        row.toEmail = email.to
        row.subject = email.subject
        row.body = email.text
        row.providerResponse = JSONObject(.object(["driver": "outbox"]))
        row.status = "outbox"
        try await row.create(on: database)
    }

    public func hasQueued(kind: String, tenant: TenantID, since: Date) async throws -> Bool {
        try await EmailEventModel.query(on: database).filter(\.$tenantID == tenant.uuid).filter(\.$kind == kind)
            .filter(\.$createdAt >= since).count() > 0
    }

    public func recent(tenant: TenantID, limit: Int) async throws -> [QueuedEmail] {
        try await EmailEventModel.query(on: database).filter(\.$tenantID == tenant.uuid).sort(\.$createdAt, .descending).limit(limit).all()
            .map { QueuedEmail(kind: $0.kind, to: $0.toEmail, subject: $0.subject, status: $0.status, createdAt: $0.createdAt ?? Date()) }
    }
}
