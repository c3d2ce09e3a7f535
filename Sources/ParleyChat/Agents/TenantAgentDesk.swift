import Foundation
import ParleyCore

/// One tenant's agents and personas, as its owners edit them: which catalogue agents are on,
/// each one's overrides (model, temperature, answer length, persona, per-visitor rate, passages and
/// retrieval mode), and the
/// personas' prompts. Every value is checked before anything is written, with a message naming it.
public struct TenantAgentDesk: Sendable {
    /// A field of an edit: leave it, set it, or clear the tenant's override (back to the default).
    public enum Change<Value: Sendable & Equatable>: Sendable, Equatable {
        case keep
        case set(Value)
        case reset

        func applied(to current: Value?) -> Value? {
            switch self {
            case .keep: current
            case let .set(value): value
            case .reset: nil
            }
        }
    }

    public struct AgentEdit: Sendable, Equatable {
        public var enabled: Bool?
        public var model: Change<String> = .keep
        public var temperature: Change<Double> = .keep
        public var maxTokens: Change<Int> = .keep
        public var persona: Change<String> = .keep
        public var rateLimitPerMinute: Change<Int> = .keep
        public var topK: Change<Int> = .keep
        public var retrievalMode: Change<RetrievalMode> = .keep

        public init() {}
    }

    /// A catalogue agent as this tenant has it.
    public struct AgentView: Sendable {
        public var definition: AgentDefinition
        public var settings: TenantAgentSettings
        /// What a chat turn uses now (nil when the agent is off for the tenant).
        public var effective: ResolvedAgent?
    }

    private let tenant: Tenant
    private let agents: any AgentStore
    private let personas: any PersonaStore
    private let resolver: AgentResolver

    public init(tenant: Tenant, config: ParleyConfig, agents: any AgentStore, personas: any PersonaStore) {
        self.tenant = tenant
        self.agents = agents
        self.personas = personas
        resolver = AgentResolver(config: config, agents: agents, personas: personas)
    }

    public func list() async throws -> [AgentView] {
        var views: [AgentView] = []
        for definition in try await agents.agents() where definition.isEnabled {
            let settings = try await agents.settings(tenant: tenant.id, agent: definition.id)
                ?? TenantAgentSettings(tenantID: tenant.id, agentID: definition.id, isEnabled: false)
            let effective = settings.isEnabled ? try? await resolver.resolve(tenant: tenant, code: definition.code) : nil
            views.append(AgentView(definition: definition, settings: settings, effective: effective))
        }
        return views
    }

    public func edit(_ code: String, _ edit: AgentEdit) async throws -> AgentView {
        guard code.count <= 64, let definition = try await agents.agent(code: code), definition.isEnabled else {
            throw ParleyError.notFound("unknown_agent", "There is no agent '\(String(code.prefix(64)))'.")
        }
        var settings = try await agents.settings(tenant: tenant.id, agent: definition.id)
            ?? TenantAgentSettings(tenantID: tenant.id, agentID: definition.id, isEnabled: false)
        if let enabled = edit.enabled { settings.isEnabled = enabled }
        settings.model = try edit.model.applied(to: settings.model).map(Self.checkedModel)
        settings.temperature = try edit.temperature.applied(to: settings.temperature).map(Self.checkedTemperature)
        settings.maxTokens = try edit.maxTokens.applied(to: settings.maxTokens).map(Self.checkedMaxTokens)
        settings.rateLimitPerMinute = try edit.rateLimitPerMinute.applied(to: settings.rateLimitPerMinute).map(Self.checkedRate)
        settings.topK = try edit.topK.applied(to: settings.topK).map(Self.checkedTopK)
        settings.retrievalMode = edit.retrievalMode.applied(to: settings.retrievalMode)
        if let persona = edit.persona.applied(to: settings.personaCode) {
            guard try await personas.persona(tenant: tenant.id, code: persona) != nil else {
                throw ParleyError.badRequest("unknown_persona", "This tenant has no persona '\(String(persona.prefix(64)))'.")
            }
            settings.personaCode = persona
        } else {
            settings.personaCode = nil
        }
        try await agents.save(settings)
        let effective = settings.isEnabled ? try? await resolver.resolve(tenant: tenant, code: definition.code) : nil
        return AgentView(definition: definition, settings: settings, effective: effective)
    }

    public func personaList() async throws -> [Persona] {
        try await personas.personas(tenant: tenant.id)
    }

    /// Creates or replaces the persona `code`. Making one the default takes it from the others.
    public func savePersona(code: String, name: String, description: String, systemPrompt: String, isDefault: Bool) async throws -> Persona {
        guard TenantProvisioner.isValidSlug(code), code.count <= 40 else {
            throw ParleyError.badRequest("invalid_code", "A persona code is 2 to 40 lower-case letters, digits or '-', starting with a letter.")
        }
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1 ... 100).contains(name.count) else { throw ParleyError.badRequest("invalid_name", "A persona name is 1 to 100 characters.") }
        guard description.count <= 1000 else { throw ParleyError.badRequest("invalid_description", "A description is at most 1000 characters.") }
        let prompt = systemPrompt.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1 ... 20_000).contains(prompt.count) else {
            throw ParleyError.badRequest("invalid_prompt", "A system prompt is 1 to 20000 characters.")
        }
        let existing = try await personas.persona(tenant: tenant.id, code: code)
        let persona = Persona(id: existing?.id ?? PersonaID(), tenantID: tenant.id, code: code, name: name, description: description,
                              systemPrompt: prompt, isDefault: isDefault)
        if isDefault {
            for other in try await personas.personas(tenant: tenant.id) where other.isDefault && other.code != code {
                var demoted = other
                demoted.isDefault = false
                try await personas.save(demoted)
            }
        }
        try await personas.save(persona)
        return persona
    }

    static func checkedModel(_ model: String) throws -> String {
        let trimmed = model.trimmingCharacters(in: .whitespaces)
        guard (1 ... 200).contains(trimmed.count), trimmed.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw ParleyError.badRequest("invalid_model", "A model name is 1 to 200 printable characters without spaces, like openai/gpt-4o-mini.")
        }
        return trimmed
    }

    static func checkedTemperature(_ value: Double) throws -> Double {
        guard value.isFinite, (0 ... 2).contains(value) else { throw ParleyError.badRequest("invalid_temperature", "temperature is 0 to 2.") }
        return value
    }

    static func checkedMaxTokens(_ value: Int) throws -> Int {
        guard (1 ... 32_768).contains(value) else { throw ParleyError.badRequest("invalid_max_tokens", "max_tokens is 1 to 32768.") }
        return value
    }

    /// The most passages one answer may be given: each is up to a chunk's length of prompt.
    public static let largestTopK = 20

    static func checkedTopK(_ value: Int) throws -> Int {
        guard (1 ... largestTopK).contains(value) else { throw ParleyError.badRequest("invalid_top_k", "top_k is 1 to \(largestTopK).") }
        return value
    }

    static func checkedRate(_ value: Int) throws -> Int {
        guard (0 ... TurnRateLimits.largestSetting).contains(value) else {
            throw ParleyError.badRequest("invalid_rate", "rate_limit_per_minute is 0 (no limit) to \(TurnRateLimits.largestSetting).")
        }
        return value
    }
}
