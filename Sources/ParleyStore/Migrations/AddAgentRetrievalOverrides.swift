import FluentKit

/// `tenant_agents.top_k` and `tenant_agents.retrieval_mode`: a tenant's own retrieval settings per
/// agent, which before only parley.yaml could set for every tenant at once.
struct AddAgentRetrievalOverrides: AsyncMigration {
    var name: String { "012_add_agent_retrieval_overrides" }

    func prepare(on database: any Database) async throws {
        try await database.schema(TenantAgentModel.schema).field("top_k", .int).update()
        try await database.schema(TenantAgentModel.schema).field("retrieval_mode", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(TenantAgentModel.schema).deleteField("retrieval_mode").update()
        try await database.schema(TenantAgentModel.schema).deleteField("top_k").update()
    }
}
