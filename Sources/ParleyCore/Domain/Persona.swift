import Foundation

/// The voice and rules of an agent, stored per tenant (seed 000 `personas`).
public struct Persona: Sendable, Hashable, Codable {
    public var id: PersonaID
    public var tenantID: TenantID
    public var code: String
    public var name: String
    public var description: String
    public var systemPrompt: String
    public var isDefault: Bool

    public init(id: PersonaID = PersonaID(), tenantID: TenantID, code: String, name: String,
                description: String, systemPrompt: String, isDefault: Bool) {
        self.id = id
        self.tenantID = tenantID
        self.code = code
        self.name = name
        self.description = description
        self.systemPrompt = systemPrompt
        self.isDefault = isDefault
    }
}
