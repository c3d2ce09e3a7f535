import FluentKit
import Foundation
import ParleyCore

/// Row of `messages`.
final class MessageModel: Model, @unchecked Sendable {
    static let schema = "messages"

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "session_id") var sessionID: UUID
    @Field(key: "role") var role: String
    @Field(key: "content") var content: String
    @Field(key: "metadata") var metadata: JSONObject
    @Field(key: "created_at") var createdAt: Date

    init() {}

    func domain() throws -> StoredMessage {
        StoredMessage(id: MessageID(try requireID()), tenantID: TenantID(tenantID), sessionID: SessionID(sessionID),
                      role: MessageRole(rawValue: role) ?? .system, content: content, metadata: metadata.value,
                      createdAt: createdAt)
    }
}
