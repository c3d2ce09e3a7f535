import Foundation
import Logging
import ParleyCore
import ParleyJobs

/// Sends one queued e-mail through Mailgun, at most once.
///
/// Each attempt first marks the row `sending` with the `Message-Id` it will carry (the same for
/// every attempt of one e-mail). An attempt whose answer never came (the worker died, the
/// connection dropped, the deadline passed) leaves the row `sending`: the next attempt does not
/// send again blindly but asks Mailgun's events API whether that `Message-Id` was accepted, and
/// only sends when Mailgun says it was not. 429 and 5xx are retried with back-off (Mailgun's
/// `Retry-After` honoured); any other refusal marks the e-mail failed at once.
public struct EmailDelivery: Sendable {
    private let store: any EmailDeliveryStore
    private let mailgun: MailgunClient
    /// How long after an unanswered attempt Mailgun's events are trusted to show it (they are
    /// indexed within seconds; a minute leaves room).
    private let eventLag: Duration

    public init(store: any EmailDeliveryStore, mailgun: MailgunClient, eventLag: Duration = .seconds(60)) {
        self.store = store
        self.mailgun = mailgun
        self.eventLag = eventLag
    }

    /// The `Message-Id` every attempt of the e-mail carries, without angle brackets.
    func messageID(for id: EmailID) -> String {
        "\(id.description)@\(mailgun.settings.domain)"
    }

    /// Runs one attempt; throws `RetryJobLater` when another is worth making, and
    /// `PermanentJobFailure` when none is.
    public func deliver(_ id: EmailID, tenant: TenantID, attempt: Int, maxAttempts: Int, logger: Logger, now: @Sendable () -> Date = Date.init) async throws {
        guard let email = try await store.email(tenant: tenant, id: id) else {
            throw PermanentJobFailure("the e-mail to send no longer exists")
        }
        guard email.status == .queued || email.status == .sending else { return }  // sent, failed, or kept in the outbox
        let messageID = messageID(for: id)
        if email.status == .sending {
            // The last attempt's outcome was lost: it may have reached Mailgun.
            let since = email.updatedAt ?? now()
            let waited = now().timeIntervalSince(since)
            if waited < eventLag.seconds {
                throw RetryJobLater("waiting to ask Mailgun whether an unanswered send arrived", after: .seconds(eventLag.seconds - waited))
            }
            switch await mailgun.wasAccepted(messageID: messageID, since: since.addingTimeInterval(-3600)) {
            case true?:
                try await store.finishAttempt(tenant: tenant, id: id, EmailAttempt(at: now(), httpStatus: nil,
                    response: "Mailgun had accepted the unanswered send", outcome: .sent, providerMessageID: messageID))
                logger.info("e-mail found sent", metadata: ["event": "email_recovered", "email_id": "\(id)"])
                return
            case nil:
                throw RetryJobLater("Mailgun's events could not be read to check an unanswered send")
            case false?:
                break
            }
        }
        guard try await store.beginAttempt(tenant: tenant, id: id, providerMessageID: messageID) else { return }
        let outcome = await mailgun.send(email.email, messageID: "<\(messageID)>", parleyID: id)
        switch outcome {
        case .accepted(let providerID, let message):
            let bare = providerID.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
            try await store.finishAttempt(tenant: tenant, id: id, EmailAttempt(at: now(), httpStatus: 200, response: message,
                                                                                 outcome: .sent, providerMessageID: bare))
            logger.info("e-mail sent", metadata: ["event": "email_sent", "email_id": "\(id)", "kind": "\(email.email.kind)", "attempt": "\(attempt)"])
        case .refused(let status, let response):
            try await store.finishAttempt(tenant: tenant, id: id, EmailAttempt(at: now(), httpStatus: status, response: response, outcome: .failed))
            logger.warning("e-mail refused", metadata: ["event": "email_refused", "email_id": "\(id)", "status": "\(status)"])
            throw PermanentJobFailure("Mailgun refused the e-mail (HTTP \(status))")
        case .retryable(let status, let response, let retryAfter):
            // No HTTP answer: Mailgun may have it, so the row stays `sending` for the next attempt to check.
            let last = attempt >= maxAttempts
            let next: EmailStatus = last ? .failed : (status == nil ? .sending : .queued)
            try await store.finishAttempt(tenant: tenant, id: id, EmailAttempt(at: now(), httpStatus: status, response: response, outcome: next))
            logger.warning("e-mail not sent", metadata: ["event": "email_retry", "email_id": "\(id)", "status": "\(status.map(String.init) ?? "none")",
                                                          "attempt": "\(attempt)", "last": "\(last)"])
            if last { throw PermanentJobFailure("Mailgun did not take the e-mail in \(maxAttempts) attempts (last: \(status.map { "HTTP \($0)" } ?? response))") }
            throw RetryJobLater("Mailgun answered \(status.map { "HTTP \($0)" } ?? response)", after: retryAfter)
        }
    }
}

/// The job that sends one e-mail (`email.send`), queued when the e-mail is.
public struct EmailSendJob: JobHandler {
    public struct Payload: Codable, Sendable {
        public var emailID: EmailID
        public init(emailID: EmailID) { self.emailID = emailID }
        enum CodingKeys: String, CodingKey { case emailID = "email_id" }
    }

    public static let kind: JobKind = "email.send"
    let delivery: EmailDelivery

    public init(delivery: EmailDelivery) {
        self.delivery = delivery
    }

    public func run(_ payload: Payload, context: JobContext) async throws {
        guard let tenant = context.tenantID else { throw PermanentJobFailure("an e-mail job must name its tenant") }
        try await delivery.deliver(payload.emailID, tenant: tenant, attempt: context.attempt, maxAttempts: context.maxAttempts, logger: context.logger)
    }
}
