import FluentKit

/// `profiles.stage` and `profiles.sources` (where each value came from: its message and whether
/// the visitor confirmed it), and one profile per session.
struct AddLeadProfileColumns: AsyncMigration {
    var name: String { "015_add_lead_profile_columns" }

    func prepare(on database: any Database) async throws {
        try await database.schema(ProfileModel.schema).field("stage", .string).update()
        try await database.schema(ProfileModel.schema).field("sources", .json).update()
        try await Indexes.create("profiles_session_unique_idx", on: ProfileModel.schema, ["session_id"], unique: true, in: database)
    }

    func revert(on database: any Database) async throws {
        try await Indexes.drop("profiles_session_unique_idx", in: database)
        try await database.schema(ProfileModel.schema).deleteField("sources").update()
        try await database.schema(ProfileModel.schema).deleteField("stage").update()
    }
}
