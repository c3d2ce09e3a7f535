import Foundation
import ParleyCore

/// Works out who answers on `/a/{code}/…` for a tenant, layering
/// `llm` defaults < parley.yaml `agents.<code>` < the `agents` catalogue < the tenant's `tenant_agents` row.
/// An agent unknown to the catalogue, disabled there, or not enabled for the tenant is `unknown_agent`.
public struct AgentResolver: Sendable {
    private let config: ParleyConfig
    private let agents: any AgentStore
    private let personas: any PersonaStore

    public init(config: ParleyConfig, agents: any AgentStore, personas: any PersonaStore) {
        self.config = config
        self.agents = agents
        self.personas = personas
    }

    public func resolve(tenant: Tenant, code: String) async throws -> ResolvedAgent {
        guard ConfigLoader.isAgentCode(code),
              let agent = try await agents.agent(code: code), agent.isEnabled,
              let settings = try await agents.settings(tenant: tenant.id, agent: agent.id), settings.isEnabled
        else { throw ParleyError.unknownAgent }
        let yaml = config.agents[code]
        let personaCode = settings.personaCode ?? yaml?.persona ?? agent.defaultPersonaCode
        var persona: Persona?
        if let personaCode { persona = try await personas.persona(tenant: tenant.id, code: personaCode) }
        if persona == nil { persona = try await personas.defaultPersona(tenant: tenant.id) }
        return ResolvedAgent(
            code: agent.code,
            name: agent.name,
            persona: persona ?? DefaultPersonas.sales(tenant: tenant.id, businessName: tenant.name),
            model: settings.model ?? yaml?.model ?? agent.defaultModel ?? config.llm.model,
            temperature: settings.temperature ?? yaml?.temperature ?? config.llm.temperature,
            maxTokens: settings.maxTokens ?? yaml?.maxTokens ?? config.llm.maxTokens,
            historyWindow: config.chat.historyWindow,
            retrievalTopK: settings.topK ?? yaml?.topK ?? config.retrieval.topK,
            retrievalMode: settings.retrievalMode ?? yaml?.retrievalMode ?? config.retrieval.mode,
            retrievalMinScore: yaml?.minScore ?? config.retrieval.minScore,
            visitorTurnsPerMinute: settings.rateLimitPerMinute ?? yaml?.rateLimitPerMinute)
    }

    /// The catalogue entries parley.yaml describes, ready to upsert into `agents`.
    public static func catalogue(from config: ParleyConfig) -> [AgentDefinition] {
        config.agents.keys.sorted().map { code in
            let section = config.agents[code] ?? ParleyConfig.AgentSection()
            return AgentDefinition(code: code, name: section.name ?? code.capitalized, type: section.type ?? code,
                                   isEnabled: section.enabled ?? true, defaultModel: section.model,
                                   defaultPersonaCode: section.persona, routingHint: "/a/\(code)")
        }
    }
}
