extension ParleyConfig {
    /// The admin panel and API's sessions.
    public struct AdminSection: Sendable, Codable, Equatable {
        /// How long a sign-in lasts.
        public var sessionHours = 12.0
        /// The session cookie's `Secure` flag: `auto` sets it when the request came over HTTPS
        /// (X-Forwarded-Proto from a trusted proxy), `always` or `never`.
        public var secureCookies = SecureCookies.auto

        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable {
            case sessionHours = "session_hours", secureCookies = "secure_cookies"
        }
    }

    public enum SecureCookies: String, Sendable, Codable, Equatable, ConfigChoice {
        case auto, always, never
    }
}
