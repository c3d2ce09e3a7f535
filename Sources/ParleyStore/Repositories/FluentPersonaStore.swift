import FluentKit
import Foundation
import ParleyCore

/// `PersonaStore` on Fluent.
public struct FluentPersonaStore: PersonaStore {
    private let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func persona(tenant: TenantID, code: String) async throws -> Persona? {
        try await PersonaModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid).filter(\.$code == code)
            .first()?.domain()
    }

    public func defaultPersona(tenant: TenantID) async throws -> Persona? {
        try await PersonaModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid).filter(\.$isDefault == true)
            .sort(\.$code).first()?.domain()
    }

    public func personas(tenant: TenantID) async throws -> [Persona] {
        try await PersonaModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid).sort(\.$code).all().map { try $0.domain() }
    }

    public func save(_ persona: Persona) async throws {
        let existing = try await PersonaModel.query(on: database)
            .filter(\.$tenantID == persona.tenantID.uuid).filter(\.$code == persona.code).first()
        let model = existing ?? PersonaModel()
        if existing == nil { model.id = persona.id.uuid }
        model.apply(persona)
        try await model.save(on: database)
        DirectoryChanges.recordWrite()
    }
}
