import Fluent
import Foundation
import ParleyAccounts
import ParleyChat
import ParleyCore
import Vapor

/// The widget's settings in the panel (`/admin/t/{slug}/widget`, owners change them): title,
/// greeting, accent colour, side, avatar, default language, the origins whose pages may embed
/// it, consent and basic HTML in answers, with a preview that follows the form as it is typed
/// (panel.js). Saved through the same settings editor as `parley tenant settings`, all or
/// nothing, each refused value named.
struct PanelWidgetController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let tenant = PanelRoutes(routes).tenant
        tenant.get("widget", use: show)
        tenant.on(.POST, "widget", body: .collect(maxSize: PanelRoutes.formBytes), use: save)
    }

    struct Widget: Encodable {
        var slug: String
        var canEdit: Bool
        var title: String
        var greeting: String
        var color: String
        var position: String
        var avatar: String
        var language: String
        var languages: [String]
        var origins: String
        var consentRequired: Bool
        var termsVersion: String
        var basicHTML: Bool
    }

    struct WidgetForm: Decodable {
        var title: String?
        var greeting: String?
        var color: String?
        var position: String?
        var avatar: String?
        var language: String?
        var allowed_origins: String?
        var consent_required: String?
        var terms_version: String?
        var allow_basic_html: String?
    }

    func show(_ request: Request) async throws -> Response {
        let (tenant, role) = try await request.adminTenant(needs: .viewer)
        return try await render(request, tenant: tenant, role: role, form: nil, problem: nil, status: .ok)
    }

    private func render(_ request: Request, tenant: Tenant, role: AdminRole, form: WidgetForm?, problem: String?, status: HTTPResponseStatus) async throws -> Response {
        let appearance = WidgetAppearance(settings: tenant.settings)
        let settings = tenant.settings
        let origins = settings["allowed_origins"]?.arrayValue?.compactMap(\.stringValue).joined(separator: "\n") ?? ""
        let page = Widget(
            slug: tenant.slug, canEdit: role.includes(.owner),
            title: form?.title ?? appearance.title ?? "", greeting: form?.greeting ?? appearance.greeting ?? "",
            color: form?.color ?? appearance.color ?? "#1d56b3", position: form?.position ?? appearance.position?.rawValue ?? "right",
            avatar: form?.avatar ?? appearance.avatar ?? "", language: form?.language ?? appearance.language ?? "",
            languages: WidgetAppearance.languages.sorted(), origins: form?.allowed_origins ?? origins,
            consentRequired: form.map { $0.consent_required != nil } ?? (settings["consent_required"]?.boolValue ?? false),
            termsVersion: form?.terms_version ?? settings["terms_version"]?.stringValue ?? "",
            basicHTML: form.map { $0.allow_basic_html != nil } ?? (settings["allow_basic_html"]?.boolValue ?? false))
        var chrome = try await request.panelChrome(title: "Widget", tenant: (tenant, role), section: "widget")
        chrome.problem = problem
        return try await request.panel("widget", chrome, page, status: status)
    }

    func save(_ request: Request) async throws -> Response {
        let (tenant, role) = try await request.adminTenant(needs: .owner)
        let form = try PanelForm.decode(WidgetForm.self, request)
        var assignments: [String] = [], removals: [String] = []
        func field(_ key: String, _ value: String?) {
            let trimmed = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { removals.append(key) } else { assignments.append("\(key)=\(trimmed)") }
        }
        field("widget.title", form.title)
        field("widget.greeting", form.greeting)
        field("widget.color", form.color)
        field("widget.position", form.position)
        field("widget.avatar", form.avatar)
        field("widget.language", form.language)
        field("terms_version", form.terms_version)
        let origins = (form.allowed_origins ?? "").split(whereSeparator: { $0 == "\n" || $0 == "," || $0 == "\r" || $0 == " " })
            .map(String.init).filter { !$0.isEmpty }
        field("allowed_origins", origins.joined(separator: ","))
        assignments.append("consent_required=\(form.consent_required != nil)")
        assignments.append("allow_basic_html=\(form.allow_basic_html != nil)")
        do {
            let services = request.application.parley
            _ = try await services.provisioner(services.stores(on: request.db(.parley))).editSettings(
                slug: tenant.slug, assignments: assignments, removals: removals)
        } catch let error as ParleyError where error.kind == .invalidInput {
            return try await render(request, tenant: tenant, role: role, form: form, problem: error.message, status: .badRequest)
        }
        return request.redirect(to: "/admin/t/\(tenant.slug)/widget?done=settings_saved")
    }
}
