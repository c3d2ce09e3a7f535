import FluentKit
import SQLKit

/// `llm_requests`, `email_events` and `otp_links`.
struct CreateOperationsTables: AsyncMigration {
    var name: String { "003_create_operations_tables" }

    func prepare(on database: any Database) async throws {
        let tenant = DatabaseSchema.FieldConstraint.references(TenantModel.schema, .id, onDelete: .cascade)
        try await database.schema(LLMRequestModel.schema)
            .id()
            .field("tenant_id", .uuid, .required, tenant)
            .field("session_id", .uuid)
            .field("provider", .string, .required)
            .field("model", .string, .required)
            .field("request_body", .json, .required)
            .field("response_body", .json, .required)
            .field("prompt_tokens", .int)
            .field("completion_tokens", .int)
            .field("total_tokens", .int)
            .field("unit_cost_prompt", .double)
            .field("unit_cost_completion", .double)
            .field("computed_cost", .double)
            .field("latency_ms", .int, .required)
            .field("succeeded", .bool, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(EmailEventModel.schema)
            .id()
            .field("tenant_id", .uuid, .required, tenant)
            .field("session_id", .uuid)
            .field("to_email", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("provider_response", .json, .required)
            .field("status", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await database.schema(OTPLinkModel.schema)
            .id()
            .field("tenant_id", .uuid, .required, tenant)
            .field("email", .string, .required)
            .field("purpose", .string, .required)
            .field("otp_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("consumed_at", .datetime)
            .create()
        try await Indexes.create("llm_requests_session_created_idx", on: LLMRequestModel.schema, ["session_id", "created_at"], in: database)
        try await Indexes.create("llm_requests_tenant_created_idx", on: LLMRequestModel.schema, ["tenant_id", "created_at"], in: database)
        try await Indexes.create("email_events_tenant_idx", on: EmailEventModel.schema, ["tenant_id", "created_at"], in: database)
        try await Indexes.create("otp_links_tenant_email_idx", on: OTPLinkModel.schema, ["tenant_id", "email"], in: database)
    }

    func revert(on database: any Database) async throws {
        for schema in [OTPLinkModel.schema, EmailEventModel.schema, LLMRequestModel.schema] {
            try await database.schema(schema).delete()
        }
    }
}
