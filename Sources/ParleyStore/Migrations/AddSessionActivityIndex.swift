import FluentKit

/// `sessions (tenant_id, last_activity_at, id)`: the admin list of a tenant's conversations,
/// newest activity first and keyset-paged, reads a page from this index instead of sorting every
/// session of the tenant (10,000 conversations: 22 ms a page before, see the README).
struct AddSessionActivityIndex: AsyncMigration {
    var name: String { "014_add_session_activity_index" }

    func prepare(on database: any Database) async throws {
        try await Indexes.create("sessions_tenant_activity_idx", on: SessionModel.schema, ["tenant_id", "last_activity_at", "id"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await Indexes.drop("sessions_tenant_activity_idx", in: database)
    }
}
