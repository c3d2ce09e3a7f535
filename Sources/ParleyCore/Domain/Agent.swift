import Foundation

/// An agent in the platform catalogue (`agents` table). Catalogue rows are platform
/// configuration synchronised from parley.yaml, not tenant data; which tenant may use
/// which agent, and with what overrides, lives in `TenantAgentSettings`.
public struct AgentDefinition: Sendable, Hashable {
    public var id: AgentID
    public var code: String
    public var name: String
    public var type: String
    public var isEnabled: Bool
    public var defaultModel: String?
    public var defaultPersonaCode: String?
    public var routingHint: String

    public init(id: AgentID = AgentID(), code: String, name: String, type: String, isEnabled: Bool,
                defaultModel: String?, defaultPersonaCode: String?, routingHint: String) {
        self.id = id
        self.code = code
        self.name = name
        self.type = type
        self.isEnabled = isEnabled
        self.defaultModel = defaultModel
        self.defaultPersonaCode = defaultPersonaCode
        self.routingHint = routingHint
    }
}

/// A tenant's switch and overrides for one agent (`tenant_agents` table).
public struct TenantAgentSettings: Sendable, Hashable {
    public var tenantID: TenantID
    public var agentID: AgentID
    public var isEnabled: Bool
    public var model: String?
    public var temperature: Double?
    public var maxTokens: Int?
    public var personaCode: String?
    /// Chat turns one visitor may start per minute with this agent (`rate_limit_per_minute`).
    public var rateLimitPerMinute: Int?
    /// Passages put in front of the model (`top_k`), over `retrieval.top_k` and parley.yaml's agent.
    public var topK: Int?
    /// How this agent searches the knowledge base (`retrieval_mode`).
    public var retrievalMode: RetrievalMode?

    public init(tenantID: TenantID, agentID: AgentID, isEnabled: Bool, model: String? = nil,
                temperature: Double? = nil, maxTokens: Int? = nil, personaCode: String? = nil, rateLimitPerMinute: Int? = nil,
                topK: Int? = nil, retrievalMode: RetrievalMode? = nil) {
        self.topK = topK
        self.retrievalMode = retrievalMode
        self.rateLimitPerMinute = rateLimitPerMinute
        self.tenantID = tenantID
        self.agentID = agentID
        self.isEnabled = isEnabled
        self.model = model
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.personaCode = personaCode
    }
}

/// Everything a chat turn needs to know about the agent answering, after layering
/// defaults < parley.yaml < the catalogue < the tenant's overrides.
public struct ResolvedAgent: Sendable, Hashable {
    public var code: String
    public var name: String
    public var persona: Persona
    public var model: String
    public var temperature: Double
    public var maxTokens: Int
    public var historyWindow: Int
    public var retrievalTopK: Int
    public var retrievalMode: RetrievalMode
    public var retrievalMinScore: Double
    /// The agent's own per-visitor minute rate, when the tenant or parley.yaml set one.
    public var visitorTurnsPerMinute: Int?

    public init(code: String, name: String, persona: Persona, model: String, temperature: Double,
                maxTokens: Int, historyWindow: Int, retrievalTopK: Int,
                retrievalMode: RetrievalMode = .hybrid, retrievalMinScore: Double = 0, visitorTurnsPerMinute: Int? = nil) {
        self.visitorTurnsPerMinute = visitorTurnsPerMinute
        self.code = code
        self.name = name
        self.persona = persona
        self.model = model
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.historyWindow = historyWindow
        self.retrievalTopK = retrievalTopK
        self.retrievalMode = retrievalMode
        self.retrievalMinScore = retrievalMinScore
    }
}
