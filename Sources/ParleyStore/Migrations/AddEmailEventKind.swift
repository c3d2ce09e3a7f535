import FluentKit

/// `email_events.kind`: what an e-mail is about (`budget_warning`), so that a warning is sent
/// once a month and the panel can say which e-mails went out.
struct AddEmailEventKind: AsyncMigration {
    var name: String { "013_add_email_event_kind" }

    func prepare(on database: any Database) async throws {
        try await database.schema(EmailEventModel.schema).field("kind", .string).update()
        try await Indexes.create("email_events_tenant_kind_idx", on: EmailEventModel.schema, ["tenant_id", "kind", "created_at"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(EmailEventModel.schema).deleteField("kind").update()
    }
}
