import Foundation
import ParleyCore

/// One tenant's consent notice (seed 004): what the visitor is asked, what they answered, and
/// whether a chat message may be accepted. Visitors are known only by the SHA-256 of their
/// random id. Bound to the tenant when the request's caller was resolved.
public struct ConsentDesk: Sendable {
    public let tenant: Tenant
    public let policy: ConsentPolicy
    private let store: any ConsentStore

    public init(tenant: Tenant, defaults: ParleyConfig.ConsentSection, store: any ConsentStore) {
        self.tenant = tenant
        policy = ConsentPolicy(tenant: tenant, defaults: defaults)
        self.store = store
    }

    public struct Status: Sendable, Equatable {
        public var required: Bool
        public var consented: Bool
        public var termsVersion: String
    }

    /// Records the visitor's answer to the current terms; answering old terms is a conflict.
    public func record(visitorHash: String, accepted: Bool, termsVersion: String, ipAddress: String?, userAgent: String?) async throws -> Status {
        guard termsVersion == policy.termsVersion else {
            throw ParleyError(code: "stale_terms", message: "The terms changed; show the current notice (version \(policy.termsVersion)).", kind: .conflict)
        }
        let consent = ConsentRecord(tenantID: tenant.id, visitorHash: visitorHash, accepted: accepted, termsVersion: policy.termsVersion,
                                    ipAddress: ipAddress.map { String($0.prefix(45)) }, userAgent: userAgent.map { String($0.prefix(512)) })
        try await store.record(consent)
        return Status(required: policy.required, consented: policy.isSatisfied(by: consent), termsVersion: policy.termsVersion)
    }

    public func status(visitorHash: String) async throws -> Status {
        let latest = try await store.latest(tenant: tenant.id, visitorHash: visitorHash)
        return Status(required: policy.required, consented: policy.isSatisfied(by: latest), termsVersion: policy.termsVersion)
    }

    /// Refuses a chat message from a visitor without consent on record, where the tenant asks
    /// for it, before anything is written. `visitorHash` is nil when the request carried no valid id.
    public func requireConsent(visitorHash: String?) async throws {
        guard policy.required else { return }
        let refusal = ParleyError(code: "consent_required", message: "Accept the site's chat terms before chatting.", kind: .forbidden)
        guard let visitorHash else { throw refusal }
        guard policy.isSatisfied(by: try await store.latest(tenant: tenant.id, visitorHash: visitorHash)) else { throw refusal }
    }
}
