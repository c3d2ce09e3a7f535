import Foundation

public enum ConsentTag {}
public typealias ConsentID = Identifier<ConsentTag>

/// A visitor's answer to a tenant's consent notice (seed 004's `consents`). The visitor is
/// known only by the SHA-256 of the random id their browser keeps; the IP address and user
/// agent are kept as evidence of the answer and never logged.
public struct ConsentRecord: Sendable, Equatable {
    public var id: ConsentID
    public var tenantID: TenantID
    public var visitorHash: String
    public var accepted: Bool
    public var termsVersion: String
    public var ipAddress: String?
    public var userAgent: String?
    public var createdAt: Date

    public init(id: ConsentID = ConsentID(), tenantID: TenantID, visitorHash: String, accepted: Bool, termsVersion: String,
                ipAddress: String?, userAgent: String?, createdAt: Date = Date()) {
        self.id = id
        self.tenantID = tenantID
        self.visitorHash = visitorHash
        self.accepted = accepted
        self.termsVersion = termsVersion
        self.ipAddress = ipAddress
        self.userAgent = userAgent
        self.createdAt = createdAt
    }
}

/// Stores consent answers; every answer is kept (an audit trail), the latest one counts.
public protocol ConsentStore: Sendable {
    func record(_ consent: ConsentRecord) async throws
    func latest(tenant: TenantID, visitorHash: String) async throws -> ConsentRecord?
}

/// Whether a tenant asks for consent, and for which version of its terms. Read from the
/// tenant's settings (`consent_required`, `terms_version`) over the `consent` configuration.
public struct ConsentPolicy: Sendable, Equatable {
    public var required: Bool
    public var termsVersion: String

    public init(required: Bool, termsVersion: String) {
        self.required = required
        self.termsVersion = termsVersion
    }

    public init(tenant: Tenant, defaults: ParleyConfig.ConsentSection) {
        required = tenant.settings["consent_required"]?.boolValue ?? defaults.required
        termsVersion = tenant.settings["terms_version"]?.stringValue ?? defaults.termsVersion
    }

    /// Whether `latest` (the visitor's last answer) lets them chat under this policy.
    public func isSatisfied(by latest: ConsentRecord?) -> Bool {
        guard required else { return true }
        guard let latest else { return false }
        return latest.accepted && latest.termsVersion == termsVersion
    }
}
