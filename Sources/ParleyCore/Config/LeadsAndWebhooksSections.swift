import Foundation

extension ParleyConfig {
    /// Outgoing webhooks to tenants' CRMs.
    public struct WebhooksSection: Sendable, Codable, Equatable {
        /// Longest one delivery may take (connection, request, answer).
        public var timeoutSeconds = 10.0
        /// Attempts per delivery, with back-off between them.
        public var maxAttempts = 8
        /// Allow `http://` endpoints (otherwise only `https://`).
        public var allowHTTP = false
        /// Allow endpoints on loopback, private and link-local networks (an intranet CRM).
        public var allowPrivateNetworks = false
        /// Or just these private addresses.
        public var allowedPrivateAddresses: [String] = []

        enum CodingKeys: String, CodingKey, CaseIterable {
            case timeoutSeconds = "timeout_seconds", maxAttempts = "max_attempts", allowHTTP = "allow_http"
            case allowPrivateNetworks = "allow_private_networks", allowedPrivateAddresses = "allowed_private_addresses"
        }
    }

    /// How leads are read from visitors' messages.
    public struct LeadsSection: Sendable, Codable, Equatable {
        /// `auto` (the model when one is configured and the tenant's budget allows, with the
        /// rules beside it), `rules` (the deterministic extractor only) or `model`.
        public var extraction = LeadExtractionMode.auto
        /// Messages before the visitor's newest that the model reads with it (the question it answers).
        public var contextMessages = 4

        enum CodingKeys: String, CodingKey, CaseIterable {
            case extraction
            case contextMessages = "context_messages"
        }
    }

    public enum LeadExtractionMode: String, Sendable, Codable, Equatable, ConfigChoice {
        case auto, rules, model
    }
}
