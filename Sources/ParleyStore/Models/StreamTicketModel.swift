import FluentKit
import Foundation
import ParleyCore

/// Row of `stream_tickets`: a pending answer between a chat POST and its SSE GET.
final class StreamTicketModel: Model, @unchecked Sendable {
    static let schema = "stream_tickets"

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "session_id") var sessionID: UUID
    @Field(key: "message_id") var messageID: UUID
    @Field(key: "agent_code") var agentCode: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "consumed_at") var consumedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(_ ticket: StreamTicket) {
        id = ticket.id.uuid
        tenantID = ticket.tenantID.uuid
        sessionID = ticket.sessionID.uuid
        messageID = ticket.messageID.uuid
        agentCode = ticket.agentCode
        expiresAt = ticket.expiresAt
    }

    func domain() throws -> StreamTicket {
        StreamTicket(id: StreamID(try requireID()), tenantID: TenantID(tenantID), sessionID: SessionID(sessionID),
                     messageID: MessageID(messageID), agentCode: agentCode, expiresAt: expiresAt)
    }
}
