import FluentKit
import Foundation
import ParleyCore

/// `AgentStore` on Fluent.
public struct FluentAgentStore: AgentStore {
    private let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func agent(code: String) async throws -> AgentDefinition? {
        try await AgentModel.query(on: database).filter(\.$code == code).first()?.domain()
    }

    public func agents() async throws -> [AgentDefinition] {
        try await AgentModel.query(on: database).sort(\.$code).all().map { try $0.domain() }
    }

    public func upsert(_ agent: AgentDefinition) async throws -> AgentDefinition {
        let existing = try await AgentModel.query(on: database).filter(\.$code == agent.code).first()
        let model = existing ?? AgentModel()
        if existing == nil { model.id = agent.id.uuid }
        model.apply(agent)
        try await model.save(on: database)
        DirectoryChanges.recordWrite()
        return try model.domain()
    }

    public func settings(tenant: TenantID, agent: AgentID) async throws -> TenantAgentSettings? {
        try await TenantAgentModel.query(on: database)
            .filter(\.$tenantID == tenant.uuid).filter(\.$agentID == agent.uuid)
            .first()?.domain()
    }

    public func save(_ settings: TenantAgentSettings) async throws {
        let existing = try await TenantAgentModel.query(on: database)
            .filter(\.$tenantID == settings.tenantID.uuid).filter(\.$agentID == settings.agentID.uuid).first()
        let model = existing ?? TenantAgentModel()
        if existing == nil { model.id = UUID() }
        model.apply(settings)
        try await model.save(on: database)
        DirectoryChanges.recordWrite()
    }
}
