import Foundation
import ParleyCore

/// Creates tenants with everything they need to chat at once: keys, the default personas,
/// and every enabled catalogue agent switched on. Also keeps the catalogue in step with parley.yaml.
public struct TenantProvisioner: Sendable {
    private let config: ParleyConfig
    private let tenants: any TenantDirectory
    private let personas: any PersonaStore
    private let agents: any AgentStore

    public init(config: ParleyConfig, tenants: any TenantDirectory, personas: any PersonaStore, agents: any AgentStore) {
        self.config = config
        self.tenants = tenants
        self.personas = personas
        self.agents = agents
    }

    /// Upserts the `agents` catalogue from parley.yaml.
    public func syncAgentCatalogue() async throws {
        for agent in AgentResolver.catalogue(from: config) {
            _ = try await agents.upsert(agent)
        }
    }

    /// Creates a tenant and returns it with its secret API key (shown once, stored hashed).
    public func createTenant(name: String, slug: String) async throws -> CreatedTenant {
        let trimmedName = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmedName.isEmpty, trimmedName.count <= 200 else {
            throw ParleyError.badRequest("invalid_name", "The tenant name must be 1 to 200 characters.")
        }
        guard Self.isValidSlug(slug) else {
            throw ParleyError.badRequest("invalid_slug", "The slug must be 2 to 64 lower-case letters, digits or '-', starting with a letter.")
        }
        let apiKey = KeyMaterial.randomKey(prefix: "sk_")
        let tenant = try await tenants.create(name: trimmedName, slug: slug,
                                              widgetKey: KeyMaterial.randomKey(prefix: "pk_", byteCount: 18),
                                              apiKeyHash: KeyMaterial.hash(apiKey))
        try await provisionDefaults(for: tenant)
        return CreatedTenant(tenant: tenant, apiKey: apiKey)
    }

    /// The tenant with this slug, or `unknown_tenant` naming the slug.
    public func tenant(slug: String) async throws -> Tenant {
        guard let tenant = try await tenants.tenant(slug: slug) else {
            throw ParleyError.notFound("unknown_tenant", "No tenant has the slug '\(slug)'.")
        }
        return tenant
    }

    /// Issues a new secret API key for a tenant (shown once, stored hashed); the old one stops working.
    public func rotateAPIKey(slug: String) async throws -> CreatedTenant {
        let tenant = try await tenant(slug: slug)
        let apiKey = KeyMaterial.randomKey(prefix: "sk_")
        try await tenants.setAPIKeyHash(tenant.id, KeyMaterial.hash(apiKey))
        return CreatedTenant(tenant: tenant, apiKey: apiKey)
    }

    /// Applies `key=value` assignments and removals to a tenant's settings (see
    /// `TenantSettingsEditor`): all of them or, when one is invalid, none.
    public func editSettings(slug: String, assignments: [String], removals: [String]) async throws -> Tenant {
        var tenant = try await tenant(slug: slug)
        var editor = TenantSettingsEditor(settings: tenant.settings)
        do {
            for assignment in assignments { try editor.apply(assignment) }
            for key in removals { try editor.unset(key) }
        } catch {
            throw ParleyError.badRequest("invalid_setting", error.description)
        }
        tenant.settings = editor.settings
        try await tenants.setSettings(tenant.id, tenant.settings)
        return tenant
    }

    /// Adds whatever default persona or agent switch the tenant lacks (idempotent).
    public func provisionDefaults(for tenant: Tenant) async throws {
        for persona in [DefaultPersonas.sales(tenant: tenant.id, businessName: tenant.name),
                        DefaultPersonas.support(tenant: tenant.id, businessName: tenant.name)]
        where try await personas.persona(tenant: tenant.id, code: persona.code) == nil {
            try await personas.save(persona)
        }
        for agent in try await agents.agents() where agent.isEnabled {
            if try await agents.settings(tenant: tenant.id, agent: agent.id) == nil {
                try await agents.save(TenantAgentSettings(tenantID: tenant.id, agentID: agent.id, isEnabled: true))
            }
        }
    }

    /// Makes sure the configured default tenant exists (README command 1's demo tenant).
    @discardableResult
    public func ensureDefaultTenant(name: String) async throws -> Tenant {
        try await syncAgentCatalogue()
        if let existing = try await tenants.tenant(slug: config.app.defaultTenant) {
            try await provisionDefaults(for: existing)
            return existing
        }
        return try await createTenant(name: name, slug: config.app.defaultTenant).tenant
    }

    public static func isValidSlug(_ slug: String) -> Bool {
        (2...64).contains(slug.count) && slug.first?.isLetter == true
            && slug.allSatisfy { ($0.isLowercase && $0.isASCII) || $0.isNumber || $0 == "-" }
    }
}
