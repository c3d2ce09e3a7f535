import Fluent
import Foundation
import ParleyAccounts
import ParleyChat
import ParleyCore
import ParleyStore
import Vapor

/// Agents and personas in the panel: `/admin/t/{slug}/agents` lists each agent with its settings
/// (owners get a form: on or off, model, temperature, answer length, passages, retrieval mode,
/// persona, per-visitor rate; an empty field goes back to the default) and the personas;
/// `…/personas/{code}` edits a persona's prompt (or creates one). The same `TenantAgentDesk` as
/// the admin API does the checking, so both refuse the same values with the same messages.
struct PanelAgentsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let tenant = PanelRoutes(routes).tenant
        tenant.get("agents", use: agents)
        tenant.on(.POST, "agents", ":code", body: .collect(maxSize: PanelRoutes.formBytes), use: saveAgent)
        tenant.get("personas", ":code", use: persona)
        tenant.on(.POST, "personas", ":code", body: .collect(maxSize: PanelRoutes.formBytes), use: savePersona)
    }

    struct AgentRow: Encodable {
        var code: String
        var name: String
        var enabled: Bool
        var model: String
        var temperature: String
        var maxTokens: String
        var topK: String
        var retrievalMode: String
        var persona: String
        var rate: String
        var effective: String
    }

    struct PersonaRow: Encodable {
        var code: String
        var name: String
        var description: String
        var isDefault: Bool
    }

    struct Agents: Encodable {
        var slug: String
        var canEdit: Bool
        var agents: [AgentRow]
        var personas: [PersonaRow]
        var modes: [String]
    }

    struct PersonaPage: Encodable {
        var slug: String
        var canEdit: Bool
        var isNew: Bool
        var code: String
        var name: String
        var description: String
        var prompt: String
        var isDefault: Bool
    }

    struct AgentForm: Decodable {
        var enabled: String?
        var model: String?
        var temperature: String?
        var max_tokens: String?
        var top_k: String?
        var retrieval_mode: String?
        var persona: String?
        var rate_limit_per_minute: String?
    }

    struct PersonaForm: Decodable {
        var code: String?
        var name: String
        var description: String?
        var system_prompt: String
        var `default`: String?
    }

    func agents(_ request: Request) async throws -> Response {
        let (tenant, role) = try await request.adminTenant(needs: .viewer)
        return try await render(request, tenant: tenant, role: role, problem: nil)
    }

    private func render(_ request: Request, tenant: Tenant, role: AdminRole, problem: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let desk = try request.tenantDesk(tenant)
        let rows = try await desk.list().map { view in
            AgentRow(code: view.definition.code, name: view.definition.name, enabled: view.settings.isEnabled,
                     model: view.settings.model ?? "", temperature: view.settings.temperature.map { String($0) } ?? "",
                     maxTokens: view.settings.maxTokens.map(String.init) ?? "", topK: view.settings.topK.map(String.init) ?? "",
                     retrievalMode: view.settings.retrievalMode?.rawValue ?? "", persona: view.settings.personaCode ?? "",
                     rate: view.settings.rateLimitPerMinute.map(String.init) ?? "",
                     effective: view.effective.map { "\($0.model), temperature \($0.temperature), \($0.maxTokens) tokens, \($0.retrievalTopK) passages (\($0.retrievalMode.rawValue)), persona \($0.persona.code)" } ?? "off")
        }
        let personas = try await desk.personaList().map { PersonaRow(code: $0.code, name: $0.name, description: $0.description, isDefault: $0.isDefault) }
        var chrome = try await request.panelChrome(title: "Agents", tenant: (tenant, role), section: "agents")
        chrome.problem = problem
        return try await request.panel("agents", chrome, Agents(slug: tenant.slug, canEdit: role.includes(.owner), agents: rows, personas: personas,
                                                                modes: RetrievalMode.allCases.map(\.rawValue)), status: status)
    }

    func saveAgent(_ request: Request) async throws -> Response {
        let (tenant, role) = try await request.adminTenant(needs: .owner)
        let form = try PanelForm.decode(AgentForm.self, request)
        var edit = TenantAgentDesk.AgentEdit()
        edit.enabled = form.enabled != nil
        do {
            edit.model = Self.change(form.model) { $0 }
            edit.persona = Self.change(form.persona) { $0 }
            edit.temperature = try Self.change(form.temperature, "temperature") { Double($0) }
            edit.maxTokens = try Self.change(form.max_tokens, "max_tokens") { Int($0) }
            edit.topK = try Self.change(form.top_k, "top_k") { Int($0) }
            edit.retrievalMode = try Self.change(form.retrieval_mode, "retrieval_mode") { RetrievalMode(rawValue: $0) }
            edit.rateLimitPerMinute = try Self.change(form.rate_limit_per_minute, "rate_limit_per_minute") { Int($0) }
            _ = try await request.tenantDesk(tenant).edit(request.parameters.get("code") ?? "", edit)
        } catch let error as ParleyError where error.kind == .invalidInput {
            return try await render(request, tenant: tenant, role: role, problem: error.message, status: .badRequest)
        }
        return request.redirect(to: "/admin/t/\(tenant.slug)/agents?done=agent_saved")
    }

    func persona(_ request: Request) async throws -> Response {
        let (tenant, role) = try await request.adminTenant(needs: .viewer)
        let code = request.parameters.get("code") ?? ""
        let existing = try await request.tenantDesk(tenant).personaList().first { $0.code == code }
        guard existing != nil || (code == "new" && role.includes(.owner)) else {
            throw ParleyError.notFound("unknown_persona", "This tenant has no persona '\(String(code.prefix(40)))'.")
        }
        let page = PersonaPage(slug: tenant.slug, canEdit: role.includes(.owner), isNew: existing == nil, code: existing?.code ?? "",
                               name: existing?.name ?? "", description: existing?.description ?? "", prompt: existing?.systemPrompt ?? "",
                               isDefault: existing?.isDefault ?? false)
        return try await request.panel("persona", try await request.panelChrome(title: existing?.name ?? "New persona", tenant: (tenant, role), section: "agents"), page)
    }

    func savePersona(_ request: Request) async throws -> Response {
        let (tenant, role) = try await request.adminTenant(needs: .owner)
        let form = try PanelForm.decode(PersonaForm.self, request)
        let pathCode = request.parameters.get("code") ?? ""
        let code = pathCode == "new" ? (form.code ?? "").trimmingCharacters(in: .whitespaces) : pathCode
        do {
            _ = try await request.tenantDesk(tenant).savePersona(code: code, name: form.name, description: form.description ?? "",
                                                                 systemPrompt: form.system_prompt, isDefault: form.default != nil)
        } catch let error as ParleyError where error.kind == .invalidInput {
            var chrome = try await request.panelChrome(title: "Persona", tenant: (tenant, role), section: "agents")
            chrome.problem = error.message
            let page = PersonaPage(slug: tenant.slug, canEdit: true, isNew: pathCode == "new", code: String(code.prefix(40)), name: form.name,
                                   description: form.description ?? "", prompt: form.system_prompt, isDefault: form.default != nil)
            return try await request.panel("persona", chrome, page, status: .badRequest)
        }
        return request.redirect(to: "/admin/t/\(tenant.slug)/agents?done=persona_saved")
    }

    /// A text field of the agent form: empty clears the override, anything else must parse.
    private static func change<T>(_ text: String?, _ name: String, _ parse: (String) -> T?) throws -> TenantAgentDesk.Change<T> {
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return .reset }
        guard let value = parse(trimmed) else { throw ParleyError.badRequest("invalid_\(name)", "\(name) has the wrong kind of value.") }
        return .set(value)
    }

    private static func change(_ text: String?, _ parse: (String) -> String) -> TenantAgentDesk.Change<String> {
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? .reset : .set(parse(trimmed))
    }
}

extension Request {
    func tenantDesk(_ tenant: Tenant) throws -> TenantAgentDesk {
        application.parley.agentDesk(tenant, application.parley.stores(on: db(.parley)))
    }
}
