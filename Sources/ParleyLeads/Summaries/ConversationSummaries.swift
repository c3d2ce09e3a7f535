import Foundation
import Logging
import ParleyCore

/// Writes a conversation's summary (`conversation_summaries`), tells `onSummary` (the CRM
/// webhooks) and, when the trigger calls for it, e-mails it with the lead and the transcript to
/// the tenant's sales recipients.
///
/// The summarizer comes per tenant (the model, or the extractive summarizer when no model is
/// configured or the tenant's budget is spent); a model that fails falls back to the extractive
/// summary, so a trigger always leaves a summary.
public struct ConversationSummaries: Sendable {
    /// Whether the summary is e-mailed to the sales team.
    public enum Mailing: Sendable, Equatable {
        case always, never
        /// Only when the visitor left an e-mail address or a phone number and the tenant
        /// e-mails such conversations (`leads.email_on_inactivity`).
        case whenReachable
    }

    public static let maxMessages = 500

    private let tenants: any TenantDirectory
    private let conversations: any ConversationStore
    private let profiles: any LeadProfileStore
    private let summaries: any ConversationSummaryStore
    private let outbox: any EmailOutbox
    private let summarizer: @Sendable (Tenant) async throws -> any ConversationSummarizer
    private let defaultRecipient: String
    private let onSummary: @Sendable (TenantID, ConversationSummary, LeadProfile?) async -> Void

    public init(tenants: any TenantDirectory, conversations: any ConversationStore, profiles: any LeadProfileStore,
                summaries: any ConversationSummaryStore, outbox: any EmailOutbox, defaultRecipient: String,
                onSummary: @escaping @Sendable (TenantID, ConversationSummary, LeadProfile?) async -> Void = { _, _, _ in },
                summarizer: @escaping @Sendable (Tenant) async throws -> any ConversationSummarizer) {
        self.onSummary = onSummary
        self.tenants = tenants
        self.conversations = conversations
        self.profiles = profiles
        self.summaries = summaries
        self.outbox = outbox
        self.summarizer = summarizer
        self.defaultRecipient = defaultRecipient
    }

    public struct Outcome: Sendable {
        public var summary: ConversationSummary
        /// The e-mails queued (one per recipient).
        public var emailed: [String]
    }

    /// Summarises the conversation now.
    @discardableResult
    public func summarize(session id: SessionID, tenant tenantID: TenantID, trigger: ConversationSummary.Trigger, mailing: Mailing,
                          logger: Logger) async throws -> Outcome {
        guard let tenant = try await tenants.tenant(id: tenantID), let session = try await conversations.session(tenant: tenantID, id: id) else {
            throw ParleyError.notFound("unknown_conversation", "This tenant has no such conversation.")
        }
        let lines = try await conversations.history(tenant: tenantID, session: session.id, limit: Self.maxMessages).map(TranscriptLine.init)
        let lead = try await profiles.profile(tenant: tenantID, session: session.id)
        let context = LLMCallContext(tenantID: tenantID, sessionID: session.id, logger: logger)
        let writer = try await summarizer(tenant)
        var text: String
        var method = writer.method
        do {
            text = try await writer.summarize(lines, lead: lead, context: context)
        } catch {
            logger.warning("summary model failed; summarising extractively", metadata: ["event": "summary_fallback", "error_type": "\(type(of: error))"])
            text = ExtractiveSummarizer().summary(of: lines, lead: lead)
            method = "extractive"
        }
        let summary = ConversationSummary(sessionID: session.id, text: text, trigger: trigger, method: method)
        try await summaries.save(summary, tenant: tenantID)
        await onSummary(tenantID, summary, lead)
        let settings = LeadSettings(tenantSettings: tenant.settings, defaultRecipient: defaultRecipient)
        let reachable = lead?.isReachable ?? false
        let mails = switch mailing {
        case .always: true
        case .never: false
        case .whenReachable: reachable && settings.emailOnInactivity
        }
        var emailed: [String] = []
        if mails {
            let email = LeadSummaryEmail(tenantName: tenant.name, lead: lead, summary: summary, lines: lines)
            let html = email.html
            for recipient in settings.recipients {
                let queued = try await outbox.queue(OutgoingEmail(tenantID: tenantID, kind: LeadSummaryEmail.kind, to: recipient, subject: email.subject,
                                                                  text: email.text, html: html, sessionID: session.id,
                                                                  idempotencyKey: "summary:\(summary.id):\(recipient)"), status: .outbox)
                if queued != nil { emailed.append(recipient) }
            }
        }
        logger.info("conversation summarised", metadata: ["event": "summary_created", "trigger": "\(trigger.rawValue)", "method": "\(method)",
                                                          "emails": "\(emailed.count)"])
        return Outcome(summary: summary, emailed: emailed)
    }
}
