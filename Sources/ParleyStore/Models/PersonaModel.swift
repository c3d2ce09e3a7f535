import FluentKit
import Foundation
import ParleyCore

/// Row of `personas`.
final class PersonaModel: Model, @unchecked Sendable {
    static let schema = "personas"

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "description") var description: String
    @Field(key: "system_prompt") var systemPrompt: String
    @Field(key: "is_default") var isDefault: Bool

    init() {}

    func apply(_ persona: Persona) {
        tenantID = persona.tenantID.uuid
        code = persona.code
        name = persona.name
        description = persona.description
        systemPrompt = persona.systemPrompt
        isDefault = persona.isDefault
    }

    func domain() throws -> Persona {
        Persona(id: PersonaID(try requireID()), tenantID: TenantID(tenantID), code: code, name: name,
                description: description, systemPrompt: systemPrompt, isDefault: isDefault)
    }
}
