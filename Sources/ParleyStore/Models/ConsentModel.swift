import FluentKit
import Foundation
import ParleyCore

/// Row of `consents` (seed 004). `session_id` holds the SHA-256 of the visitor's id, never the id.
final class ConsentModel: Model, @unchecked Sendable {
    static let schema = "consents"

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "session_id") var visitorHash: String
    @Field(key: "accepted") var accepted: Bool
    @OptionalField(key: "ip_address") var ipAddress: String?
    @OptionalField(key: "user_agent") var userAgent: String?
    @Field(key: "terms_version") var termsVersion: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(_ record: ConsentRecord) {
        id = record.id.uuid
        tenantID = record.tenantID.uuid
        visitorHash = record.visitorHash
        accepted = record.accepted
        ipAddress = record.ipAddress
        userAgent = record.userAgent
        termsVersion = record.termsVersion
        createdAt = record.createdAt
    }

    func domain() throws -> ConsentRecord {
        ConsentRecord(id: ConsentID(try requireID()), tenantID: TenantID(tenantID), visitorHash: visitorHash, accepted: accepted,
                      termsVersion: termsVersion, ipAddress: ipAddress, userAgent: userAgent, createdAt: createdAt)
    }
}
