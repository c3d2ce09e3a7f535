import FluentKit

/// Stream ids are single-use on the visitor's message itself (`messages.stream_redeemed_at`):
/// the signed id names the message, so issuing one writes nothing, and a chat turn saves the
/// `stream_tickets` row it used to insert (one statement and, on PostgreSQL, one commit and its
/// flush). The table goes; ids issued before the upgrade are refused as used, and a visitor's
/// widget sends the message again.
struct AddMessageStreamRedemption: AsyncMigration {
    static let ticketTable = "stream_tickets"

    var name: String { "024_add_message_stream_redemption" }

    func prepare(on database: any Database) async throws {
        try await database.schema(MessageModel.schema).field("stream_redeemed_at", .datetime).update()
        try await database.schema(Self.ticketTable).delete()
    }

    func revert(on database: any Database) async throws {
        try await Self.createTicketTable(on: database)
        try await database.schema(MessageModel.schema).deleteField("stream_redeemed_at").update()
    }

    /// `stream_tickets` as migration 001 made it (and as reverting this one makes it again).
    static func createTicketTable(on database: any Database) async throws {
        try await database.schema(ticketTable)
            .id()
            .field("tenant_id", .uuid, .required, .references(TenantModel.schema, .id, onDelete: .cascade))
            .field("session_id", .uuid, .required, .references(SessionModel.schema, .id, onDelete: .cascade))
            .field("message_id", .uuid, .required)
            .field("agent_code", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("consumed_at", .datetime)
            .field("created_at", .datetime)
            .create()
        try await Indexes.create("stream_tickets_expires_idx", on: ticketTable, ["expires_at"], in: database)
    }
}
