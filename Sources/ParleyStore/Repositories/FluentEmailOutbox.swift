import FluentKit
import Foundation
import ParleyCore

/// `email_events`: the outbox every driver writes to, and the rows a delivering driver (Mailgun)
/// and the provider's webhooks update. Every read and write names the tenant, except the
/// webhook's, which finds its row by the provider message id Parley made up for it.
public struct FluentEmailOutbox: EmailOutbox, EmailDeliveryStore {
    private let database: any Database
    /// Attempts and provider events kept per e-mail (a row retried for hours stays small).
    static let keptEntries = 20

    public init(database: any Database) {
        self.database = database
    }

    public func queue(_ email: OutgoingEmail, status: EmailStatus) async throws -> EmailID? {
        if let key = email.idempotencyKey, try await query(email.tenantID).filter(\.$idempotencyKey == key).count() > 0 {
            return nil
        }
        let row = EmailEventModel()
        row.id = UUID.random()
        row.tenantID = email.tenantID.uuid
        row.sessionID = email.sessionID?.uuid
        row.kind = email.kind
        row.toEmail = email.to
        row.subject = email.subject
        row.body = email.html ?? email.text
        row.textBody = email.text
        row.attempts = 0
        row.idempotencyKey = email.idempotencyKey
        row.providerResponse = JSONObject(.object(["driver": .string(status == .outbox ? "outbox" : "delivery"), "attempts": .array([])]))
        row.status = status.rawValue
        do {
            try await row.create(on: database)
        } catch let error as any DatabaseError where error.isConstraintFailure && email.idempotencyKey != nil {
            return nil  // queued at the same moment by another job: that one stands
        }
        return row.id.map(EmailID.init)
    }

    public func hasQueued(kind: String, tenant: TenantID, since: Date) async throws -> Bool {
        try await query(tenant).filter(\.$kind == kind).filter(\.$createdAt >= since).count() > 0
    }

    public func recent(tenant: TenantID, session: SessionID?, limit: Int) async throws -> [QueuedEmail] {
        var rows = query(tenant)
        if let session { rows = rows.filter(\.$sessionID == session.uuid) }
        return try await rows.sort(\.$createdAt, .descending).limit(limit).all().compactMap { row in
            guard let id = row.id else { return nil }
            return QueuedEmail(id: EmailID(id), kind: row.kind, to: row.toEmail, subject: row.subject, status: row.status,
                               attempts: row.attempts ?? 0, sessionID: row.sessionID.map(SessionID.init), createdAt: row.createdAt ?? Date())
        }
    }

    // MARK: - Delivery

    public func email(tenant: TenantID, id: EmailID) async throws -> EmailForDelivery? {
        guard let row = try await query(tenant).filter(\.$id == id.uuid).first() else { return nil }
        let html = row.textBody == nil || row.body == row.textBody ? nil : row.body
        let email = OutgoingEmail(tenantID: tenant, kind: row.kind ?? "", to: row.toEmail, subject: row.subject, text: row.textBody ?? row.body,
                                  html: html, sessionID: row.sessionID.map(SessionID.init), idempotencyKey: row.idempotencyKey)
        return EmailForDelivery(id: id, tenantID: tenant, email: email, status: EmailStatus(rawValue: row.status) ?? .failed,
                                attempts: row.attempts ?? 0, providerMessageID: row.providerMessageID, updatedAt: row.updatedAt)
    }

    public func beginAttempt(tenant: TenantID, id: EmailID, providerMessageID: String) async throws -> Bool {
        guard let row = try await query(tenant).filter(\.$id == id.uuid).first(),
              [EmailStatus.queued, .sending].contains(EmailStatus(rawValue: row.status)) else { return false }
        row.status = EmailStatus.sending.rawValue
        row.attempts = (row.attempts ?? 0) + 1
        row.providerMessageID = providerMessageID
        try await row.save(on: database)
        return true
    }

    public func finishAttempt(tenant: TenantID, id: EmailID, _ attempt: EmailAttempt) async throws {
        guard let row = try await query(tenant).filter(\.$id == id.uuid).first() else { return }
        let entry: JSONValue = .object([
            "at": .string(ISO8601DateFormatter().string(from: attempt.at)),
            "http_status": attempt.httpStatus.map { .number(Double($0)) } ?? .null,
            "response": .string(attempt.response),
            "outcome": .string(attempt.outcome.rawValue),
        ])
        row.providerResponse = Self.appending(entry, to: "attempts", in: row.providerResponse)
        row.status = attempt.outcome.rawValue
        if let id = attempt.providerMessageID { row.providerMessageID = id }
        try await row.save(on: database)
    }

    public func applyProviderEvent(providerMessageID: String, status: EmailStatus, detail: String, at: Date) async throws -> Bool {
        guard let row = try await EmailEventModel.query(on: database).filter(\.$providerMessageID == providerMessageID).first() else {
            return false
        }
        let entry: JSONValue = .object(["at": .string(ISO8601DateFormatter().string(from: at)), "status": .string(status.rawValue),
                                        "detail": .string(detail)])
        row.providerResponse = Self.appending(entry, to: "events", in: row.providerResponse)
        if let current = EmailStatus(rawValue: row.status), Self.rank(status) >= Self.rank(current) {
            row.status = status.rawValue
        }
        try await row.save(on: database)
        return true
    }

    public func undelivered(before: Date, limit: Int) async throws -> [(tenant: TenantID, id: EmailID)] {
        try await EmailEventModel.query(on: database)
            .filter(\.$status ~~ [EmailStatus.queued.rawValue, EmailStatus.sending.rawValue])
            .filter(\.$updatedAt < before).sort(\.$updatedAt).limit(limit).all()
            .compactMap { row in row.id.map { (TenantID(row.tenantID), EmailID($0)) } }
    }

    // MARK: - Helpers

    private func query(_ tenant: TenantID) -> QueryBuilder<EmailEventModel> {
        EmailEventModel.query(on: database).filter(\.$tenantID == tenant.uuid)
    }

    /// How far along an e-mail is: an event never moves it back (a late `accepted` after `delivered`).
    static func rank(_ status: EmailStatus) -> Int {
        switch status {
        case .outbox, .queued: 0
        case .sending: 1
        case .sent: 2
        case .delivered: 3
        case .failed, .bounced: 4
        case .complained: 5
        }
    }

    static func appending(_ entry: JSONValue, to key: String, in object: JSONObject) -> JSONObject {
        var fields = object.fields
        let list = (fields[key]?.arrayValue ?? []) + [entry]
        fields[key] = .array(Array(list.suffix(keptEntries)))
        return JSONObject(.object(fields))
    }
}
