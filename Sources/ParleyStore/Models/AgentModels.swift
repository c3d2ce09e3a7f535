import FluentKit
import Foundation
import ParleyCore

/// Row of `agents`: the platform's agent catalogue, synchronised from parley.yaml.
final class AgentModel: Model, @unchecked Sendable {
    static let schema = "agents"

    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "type") var type: String
    @Field(key: "is_enabled") var isEnabled: Bool
    @OptionalField(key: "default_model") var defaultModel: String?
    @OptionalField(key: "default_persona_code") var defaultPersonaCode: String?
    @Field(key: "routing_hint") var routingHint: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    func apply(_ agent: AgentDefinition) {
        code = agent.code
        name = agent.name
        type = agent.type
        isEnabled = agent.isEnabled
        defaultModel = agent.defaultModel
        defaultPersonaCode = agent.defaultPersonaCode
        routingHint = agent.routingHint
    }

    func domain() throws -> AgentDefinition {
        AgentDefinition(id: AgentID(try requireID()), code: code, name: name, type: type, isEnabled: isEnabled,
                        defaultModel: defaultModel, defaultPersonaCode: defaultPersonaCode, routingHint: routingHint)
    }
}

/// Row of `tenant_agents`: which agents a tenant has, with its overrides.
final class TenantAgentModel: Model, @unchecked Sendable {
    static let schema = "tenant_agents"

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "agent_id") var agentID: UUID
    @Field(key: "is_enabled") var isEnabled: Bool
    @OptionalField(key: "model") var model: String?
    @OptionalField(key: "temperature") var temperature: Double?
    @OptionalField(key: "max_tokens") var maxTokens: Int?
    @OptionalField(key: "persona_code") var personaCode: String?
    @OptionalField(key: "rate_limit_per_minute") var rateLimitPerMinute: Int?
    @OptionalField(key: "top_k") var topK: Int?
    @OptionalField(key: "retrieval_mode") var retrievalMode: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    func apply(_ settings: TenantAgentSettings) {
        tenantID = settings.tenantID.uuid
        agentID = settings.agentID.uuid
        isEnabled = settings.isEnabled
        model = settings.model
        temperature = settings.temperature
        maxTokens = settings.maxTokens
        personaCode = settings.personaCode
        rateLimitPerMinute = settings.rateLimitPerMinute
        topK = settings.topK
        retrievalMode = settings.retrievalMode?.rawValue
    }

    func domain() -> TenantAgentSettings {
        TenantAgentSettings(tenantID: TenantID(tenantID), agentID: AgentID(agentID), isEnabled: isEnabled,
                            model: model, temperature: temperature, maxTokens: maxTokens, personaCode: personaCode,
                            rateLimitPerMinute: rateLimitPerMinute, topK: topK,
                            retrievalMode: retrievalMode.flatMap(RetrievalMode.init(rawValue:)))
    }
}
