import FluentKit
import Foundation
import ParleyCore

/// Row of `sessions`: one visitor conversation. The visitor's key is stored only as a hash.
final class SessionModel: Model, @unchecked Sendable {
    static let schema = "sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "session_key_hash") var sessionKeyHash: String
    @Field(key: "agent_code") var agentCode: String
    @OptionalField(key: "email") var email: String?
    @Field(key: "is_anonymous") var isAnonymous: Bool
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_activity_at") var lastActivityAt: Date
    @Field(key: "metadata") var metadata: JSONObject

    init() {}

    func domain() throws -> ChatSession {
        ChatSession(id: SessionID(try requireID()), tenantID: TenantID(tenantID), agentCode: agentCode,
                    createdAt: createdAt, lastActivityAt: lastActivityAt)
    }
}
