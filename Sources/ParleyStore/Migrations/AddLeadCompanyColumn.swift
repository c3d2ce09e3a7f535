import FluentKit

/// `profiles.company` (the leads list searches it and exports it as a column) and the leads
/// list's index: a tenant's leads, most recently changed first.
struct AddLeadCompanyColumn: AsyncMigration {
    var name: String { "017_add_lead_company_column" }

    func prepare(on database: any Database) async throws {
        try await database.schema(ProfileModel.schema).field("company", .string).update()
        try await Indexes.create("profiles_tenant_updated_idx", on: ProfileModel.schema, ["tenant_id", "updated_at", "id"], in: database)
    }

    func revert(on database: any Database) async throws {
        try await Indexes.drop("profiles_tenant_updated_idx", in: database)
        try await database.schema(ProfileModel.schema).deleteField("company").update()
    }
}
