import Foundation

extension ParleyConfig {
    public struct EmailSection: Sendable, Codable, Equatable {
        /// Where lead summaries go when a tenant names no sales recipients (`leads.recipients`).
        public var mockSalesRecipient = "sales@example.com"
        /// `outbox` (kept in `email_events`, shown in the panel) or `mailgun` (sent through its HTTP API).
        public var provider = EmailProvider.outbox
        public var from = "Parley <parley@example.com>"
        public var mailgun = MailgunSection()

        enum CodingKeys: String, CodingKey, CaseIterable {
            case provider, from, mailgun
            case mockSalesRecipient = "mock_sales_recipient"
        }
    }

    public enum EmailProvider: String, Sendable, Codable, Equatable, ConfigChoice {
        case outbox, mailgun
    }

    /// Mailgun's HTTP API. The API key (`MAILGUN_API_KEY`) and the webhook signing key
    /// (`MAILGUN_WEBHOOK_SIGNING_KEY`) are secrets; the sending domain may come from `MAILGUN_DOMAIN`.
    public struct MailgunSection: Sendable, Codable, Equatable {
        public var domain = ""
        /// `us` (api.mailgun.net) or `eu` (api.eu.mailgun.net).
        public var region = MailgunRegion.us
        /// Overrides the region's base URL (a proxy, or a test server).
        public var baseURL = ""
        /// Longest a single send may take, head and body.
        public var timeoutSeconds = 20.0
        /// Attempts per e-mail, with back-off between them, before it is marked failed.
        public var maxAttempts = 6
        /// A webhook signed longer ago than this is refused (a replay).
        public var webhookMaxAgeSeconds = 300
        /// After a send whose answer was lost, how long to wait before trusting Mailgun's events
        /// to say whether it arrived (and sending again only if not).
        public var lostSendCheckSeconds = 60.0

        enum CodingKeys: String, CodingKey, CaseIterable {
            case domain, region
            case baseURL = "base_url", timeoutSeconds = "timeout_seconds", maxAttempts = "max_attempts"
            case webhookMaxAgeSeconds = "webhook_max_age_seconds", lostSendCheckSeconds = "lost_send_check_seconds"
        }

        /// The API's base URL: the override, or the region's.
        public var apiBaseURL: String {
            let trimmed = baseURL.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { return trimmed.hasSuffix("/") ? String(trimmed.dropLast()) : trimmed }
            return region == .eu ? "https://api.eu.mailgun.net" : "https://api.mailgun.net"
        }
    }

    public enum MailgunRegion: String, Sendable, Codable, Equatable, ConfigChoice {
        case us, eu
    }
}
