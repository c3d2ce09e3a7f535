import AsyncHTTPClient
import Foundation
import ParleyCore
import ParleyMail

/// The outgoing-message parts the configuration selects: the e-mail driver `email.provider`
/// names (`outbox` keeps e-mails; `mailgun` needs its API key and sending domain, and start-up
/// stops with a message naming what is missing), and the webhook poster's bounds.
enum EmailSelection {
    static func webhookPoster(config: ParleyConfig) throws -> WebhookPoster {
        let settings = config.webhooks
        guard settings.timeoutSeconds > 0, settings.timeoutSeconds <= 120, settings.maxAttempts >= 1 else {
            throw ConfigError("webhooks.timeout_seconds must be above 0 and at most 120, and max_attempts at least 1")
        }
        let policy = try FetchAddressPolicy(allowPrivateNetworks: settings.allowPrivateNetworks,
                                            allowedAddressLiterals: settings.allowedPrivateAddresses, setting: "webhooks.allowed_private_addresses")
        return WebhookPoster(settings: .init(timeout: .milliseconds(Int64(settings.timeoutSeconds * 1000)), allowHTTP: settings.allowHTTP, policy: policy))
    }

    static func mailgun(config: ParleyConfig, secrets: ParleySecrets, client: HTTPClient) throws -> MailgunClient? {
        guard config.email.provider == .mailgun else { return nil }
        let settings = config.email.mailgun
        guard let key = secrets.mailgunAPIKey, !key.isEmpty else {
            throw ConfigError("email.provider is mailgun but MAILGUN_API_KEY is not set")
        }
        let domain = settings.domain.trimmingCharacters(in: .whitespaces)
        guard !domain.isEmpty, domain.count <= 253, domain.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) else {
            throw ConfigError("email.provider is mailgun but email.mailgun.domain (or MAILGUN_DOMAIN) is not a domain like mg.example.com")
        }
        guard let url = URL(string: settings.apiBaseURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ConfigError("email.mailgun.base_url is not an http(s) URL")
        }
        guard settings.timeoutSeconds > 0, settings.maxAttempts >= 1 else {
            throw ConfigError("email.mailgun.timeout_seconds must be above 0 and max_attempts at least 1")
        }
        return MailgunClient(settings: .init(baseURL: settings.apiBaseURL, domain: domain, apiKey: key, from: config.email.from,
                                             timeout: .milliseconds(Int64(settings.timeoutSeconds * 1000))), client: client)
    }

    /// Checks `/webhooks/mailgun` signatures; nil (the route answers 404) without a signing key.
    static func webhookVerifier(config: ParleyConfig, secrets: ParleySecrets) throws -> MailgunWebhookVerifier? {
        guard let key = secrets.mailgunWebhookSigningKey, !key.isEmpty else { return nil }
        guard key.count >= 16 else { throw ConfigError("MAILGUN_WEBHOOK_SIGNING_KEY must be at least 16 characters") }
        return MailgunWebhookVerifier(signingKey: key, maxAge: .seconds(max(30, config.email.mailgun.webhookMaxAgeSeconds)))
    }
}
