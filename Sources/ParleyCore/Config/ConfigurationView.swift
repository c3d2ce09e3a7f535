import Foundation
import Yams

/// The running configuration as an operator may see it: every parley.yaml setting in effect
/// (file, environment and defaults layered) as YAML that can be saved and used as a parley.yaml,
/// and each secret as set or unset. Secrets live only in the environment, never in the
/// configuration, and their values never appear here; a credential someone put inside a setting
/// (a URL's `user:password@`, a `key=value`) is redacted as in the logs.
public struct ConfigurationView: Sendable {
    public struct SecretState: Sendable, Equatable {
        /// The first environment variable the secret is read from.
        public var name: String
        public var isSet: Bool
    }

    public let config: ParleyConfig
    public let secrets: [SecretState]
    private let redactor: Redactor

    public init(config: ParleyConfig, secrets: ParleySecrets) {
        self.config = config
        self.secrets = ParleySecrets.sources.map { SecretState(name: $0.1[0], isSet: secrets[keyPath: $0.0] != nil) }
        let values = ParleySecrets.sources.compactMap { secrets[keyPath: $0.0] }
        redactor = Redactor(knownSecrets: values, personalData: false)
    }

    /// The settings as a parley.yaml, headed by a comment saying which secrets are set.
    public func yaml(generatedAt: Date = Date()) throws -> String {
        let body = try YAMLEncoder().encode(config)
        let header = ["# Parley configuration in effect at \(generatedAt.formatted(.iso8601)).",
                      "# Secrets are read from the environment only and are not included:"]
            + secrets.map { "#   \($0.name): \($0.isSet ? "set" : "unset")" }
        return header.joined(separator: "\n") + "\n" + Self.redactingCredentials(body, with: redactor)
    }

    /// Each line through the redactor and with `scheme://user:password@` cut to `scheme://[REDACTED]@`.
    static func redactingCredentials(_ yaml: String, with redactor: Redactor) -> String {
        yaml.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var text = redactor.redact(String(line))
            if let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@"),
               !text[scheme.upperBound ..< at].contains("/") {
                text.replaceSubrange(scheme.upperBound ..< at, with: "[REDACTED]")
            }
            return text
        }.joined(separator: "\n")
    }
}
