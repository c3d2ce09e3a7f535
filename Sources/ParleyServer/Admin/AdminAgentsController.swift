import Fluent
import Foundation
import ParleyAccounts
import ParleyChat
import ParleyCore
import ParleyStore
import Vapor

/// A tenant's agents and personas:
/// `GET /api/v1/admin/tenants/{slug}/agents` (viewer) each catalogue agent with the tenant's
/// switch, its overrides and what a chat turn uses now; `PATCH …/agents/{code}` (owner)
/// `{"enabled", "model", "temperature", "max_tokens", "persona", "rate_limit_per_minute", "top_k",
/// "retrieval_mode"}`, where
/// `null` clears an override; `GET …/personas` (viewer); `PUT …/personas/{code}` (owner)
/// `{"name", "system_prompt", "description"?, "default"?}`.
struct AdminAgentsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let tenant = routes.grouped("api", "v1", "admin", "tenants", ":slug").grouped(AdminCallerMiddleware())
        let body = ByteCount(value: 65_536)
        tenant.get("agents", use: agents)
        tenant.on(.PATCH, "agents", ":code", body: .collect(maxSize: body), use: editAgent)
        tenant.get("personas", use: personas)
        tenant.on(.PUT, "personas", ":code", body: .collect(maxSize: body), use: savePersona)
    }

    struct AgentResponse: Content {
        var code: String
        var name: String
        var enabled: Bool
        var overrides: JSONValue
        var effective: JSONValue?
    }

    struct AgentList: Content {
        var agents: [AgentResponse]
    }

    struct PersonaResponse: Content {
        var code: String
        var name: String
        var description: String
        var systemPrompt: String
        var isDefault: Bool

        enum CodingKeys: String, CodingKey {
            case code, name, description
            case systemPrompt = "system_prompt", isDefault = "default"
        }

        init(_ persona: Persona) {
            code = persona.code
            name = persona.name
            description = persona.description
            systemPrompt = persona.systemPrompt
            isDefault = persona.isDefault
        }
    }

    struct PersonaList: Content {
        var personas: [PersonaResponse]
    }

    struct PersonaBody: Decodable {
        var name: String
        var systemPrompt: String
        var description: String?
        var isDefault: Bool?

        enum CodingKeys: String, CodingKey {
            case name, description
            case systemPrompt = "system_prompt", isDefault = "default"
        }
    }

    func agents(_ request: Request) async throws -> AgentList {
        let desk = try await desk(request, needs: .viewer)
        return AgentList(agents: try await desk.list().map(Self.response))
    }

    func editAgent(_ request: Request) async throws -> AgentResponse {
        let desk = try await desk(request, needs: .owner)
        let fields = try AdminTenantsController.decode([String: JSONValue].self, request,
                                                       shape: #"{"enabled", "model", "temperature", "max_tokens", "persona", "rate_limit_per_minute", "top_k", "retrieval_mode"}"#)
        return Self.response(try await desk.edit(request.parameters.get("code") ?? "", try Self.edit(from: fields)))
    }

    func personas(_ request: Request) async throws -> PersonaList {
        PersonaList(personas: try await desk(request, needs: .viewer).personaList().map(PersonaResponse.init))
    }

    func savePersona(_ request: Request) async throws -> PersonaResponse {
        let desk = try await desk(request, needs: .owner)
        let body = try AdminTenantsController.decode(PersonaBody.self, request, shape: #"{"name", "system_prompt", "description"?, "default"?}"#)
        return PersonaResponse(try await desk.savePersona(code: request.parameters.get("code") ?? "", name: body.name,
                                                          description: body.description ?? "", systemPrompt: body.systemPrompt,
                                                          isDefault: body.isDefault ?? false))
    }

    // MARK: - Mapping

    private func desk(_ request: Request, needs role: AdminRole) async throws -> TenantAgentDesk {
        try request.tenantDesk(try await request.adminTenant(needs: role).0)
    }

    static let editableFields: Set<String> = ["enabled", "model", "temperature", "max_tokens", "persona", "rate_limit_per_minute",
                                              "top_k", "retrieval_mode"]

    /// The edit a JSON object asks for: a missing field stays, `null` clears the override.
    static func edit(from fields: [String: JSONValue]) throws -> TenantAgentDesk.AgentEdit {
        if let unknown = fields.keys.sorted().first(where: { !editableFields.contains($0) }) {
            throw ParleyError.badRequest("unknown_field", "'\(String(unknown.prefix(60)))' is not an agent setting (\(editableFields.sorted().joined(separator: ", "))).")
        }
        var edit = TenantAgentDesk.AgentEdit()
        if let enabled = fields["enabled"] {
            guard let flag = enabled.boolValue else { throw ParleyError.badRequest("invalid_enabled", "enabled is true or false.") }
            edit.enabled = flag
        }
        edit.model = try change(fields["model"], "model") { $0.stringValue }
        edit.persona = try change(fields["persona"], "persona") { $0.stringValue }
        edit.temperature = try change(fields["temperature"], "temperature") { $0.doubleValue }
        edit.maxTokens = try change(fields["max_tokens"], "max_tokens") { value in value.doubleValue.flatMap { $0 == $0.rounded() && abs($0) < 1e9 ? Int($0) : nil } }
        edit.rateLimitPerMinute = try change(fields["rate_limit_per_minute"], "rate_limit_per_minute") { value in
            value.doubleValue.flatMap { $0 == $0.rounded() && abs($0) < 1e9 ? Int($0) : nil }
        }
        edit.topK = try change(fields["top_k"], "top_k") { value in value.doubleValue.flatMap { $0 == $0.rounded() && abs($0) < 1e9 ? Int($0) : nil } }
        edit.retrievalMode = try change(fields["retrieval_mode"], "retrieval_mode",
                                        expected: "hybrid, dense, lexical or off") { $0.stringValue.flatMap(RetrievalMode.init(rawValue:)) }
        return edit
    }

    private static func change<T>(_ value: JSONValue?, _ name: String, expected: String? = nil,
                                  _ read: (JSONValue) -> T?) throws -> TenantAgentDesk.Change<T> {
        guard let value else { return .keep }
        if value == .null { return .reset }
        guard let typed = read(value) else {
            let wanted = expected.map { "is \($0)" } ?? "has the wrong type"
            throw ParleyError.badRequest("invalid_\(name)", "\(name) \(wanted) (or null to clear it).")
        }
        return .set(typed)
    }

    static func response(_ view: TenantAgentDesk.AgentView) -> AgentResponse {
        var overrides: [String: JSONValue] = [:]
        if let model = view.settings.model { overrides["model"] = .string(model) }
        if let temperature = view.settings.temperature { overrides["temperature"] = .number(temperature) }
        if let maxTokens = view.settings.maxTokens { overrides["max_tokens"] = .number(Double(maxTokens)) }
        if let persona = view.settings.personaCode { overrides["persona"] = .string(persona) }
        if let rate = view.settings.rateLimitPerMinute { overrides["rate_limit_per_minute"] = .number(Double(rate)) }
        if let topK = view.settings.topK { overrides["top_k"] = .number(Double(topK)) }
        if let mode = view.settings.retrievalMode { overrides["retrieval_mode"] = .string(mode.rawValue) }
        let effective: JSONValue? = view.effective.map { agent in
            .object(["model": .string(agent.model), "temperature": .number(agent.temperature), "max_tokens": .number(Double(agent.maxTokens)),
                     "persona": .string(agent.persona.code), "top_k": .number(Double(agent.retrievalTopK)),
                     "retrieval_mode": .string(agent.retrievalMode.rawValue)])
        }
        return AgentResponse(code: view.definition.code, name: view.definition.name, enabled: view.settings.isEnabled,
                             overrides: .object(overrides), effective: effective)
    }
}
