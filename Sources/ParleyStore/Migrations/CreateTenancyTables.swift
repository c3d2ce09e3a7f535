import FluentKit
import SQLKit

/// `tenants`, `agents`, `tenant_agents` and `personas`.
struct CreateTenancyTables: AsyncMigration {
    var name: String { "001_create_tenancy_tables" }

    func prepare(on database: any Database) async throws {
        try await database.schema(TenantModel.schema)
            .id()
            .field("name", .string, .required)
            .field("slug", .string, .required)
            .field("is_active", .bool, .required)
            .field("widget_key", .string, .required)
            .field("api_key_hash", .string, .required)
            .field("settings", .json, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "slug")
            .unique(on: "widget_key")
            .unique(on: "api_key_hash")
            .create()
        try await database.schema(AgentModel.schema)
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("type", .string, .required)
            .field("is_enabled", .bool, .required)
            .field("default_model", .string)
            .field("default_persona_code", .string)
            .field("routing_hint", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "code")
            .create()
        try await database.schema(TenantAgentModel.schema)
            .id()
            .field("tenant_id", .uuid, .required, .references(TenantModel.schema, .id, onDelete: .cascade))
            .field("agent_id", .uuid, .required, .references(AgentModel.schema, .id, onDelete: .cascade))
            .field("is_enabled", .bool, .required)
            .field("model", .string)
            .field("temperature", .double)
            .field("max_tokens", .int)
            .field("persona_code", .string)
            .field("rate_limit_per_minute", .int)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "tenant_id", "agent_id")
            .create()
        try await database.schema(PersonaModel.schema)
            .id()
            .field("tenant_id", .uuid, .required, .references(TenantModel.schema, .id, onDelete: .cascade))
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("description", .string, .required)
            .field("system_prompt", .string, .required)
            .field("is_default", .bool, .required)
            .unique(on: "tenant_id", "code")
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [PersonaModel.schema, TenantAgentModel.schema, AgentModel.schema, TenantModel.schema] {
            try await database.schema(schema).delete()
        }
    }
}
