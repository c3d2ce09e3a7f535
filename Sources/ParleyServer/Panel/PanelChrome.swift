import Fluent
import Foundation
import ParleyAccounts
import ParleyCore
import ParleyStore
import Vapor

/// What every signed-in panel page shows around its content: who is signed in, the CSRF token
/// its forms carry, the tenants they can switch to and the current tenant's sections.
struct PanelChrome: Encodable {
    struct Person: Encodable {
        var name: String
        var email: String
        var platform: Bool
    }

    struct TenantLink: Encodable {
        var slug: String
        var name: String
        var role: String
        var current: Bool
    }

    struct Link: Encodable {
        var href: String
        var label: String
        var current: Bool
    }

    var title: String
    var person: Person
    var csrf: String
    var tenants: [TenantLink]
    /// Whether the header offers a tenant menu (more than one tenant).
    var switchable: Bool
    var tenant: TenantLink?
    var sections: [Link]
    var notice: String?
    var problem: String?

    /// The sections of a tenant the role can open, `current` marked.
    static func sections(slug: String, role: AdminRole, current: String) -> [Link] {
        var links: [(String, String)] = [("", "Overview"), ("conversations", "Conversations"), ("console", "Console"), ("escalations", "Escalations"), ("leads", "Leads"), ("emails", "E-mails"), ("knowledge", "Knowledge"),
                                         ("playground", "Playground"), ("quality", "Quality"), ("agents", "Agents"), ("widget", "Widget"), ("usage", "Usage")]
        if role.includes(.owner) { links.append(("people", "People")) }
        return links.map { path, label in
            Link(href: "/admin/t/\(slug)" + (path.isEmpty ? "" : "/\(path)"), label: label, current: path == current)
        }
    }
}

/// A page's data for its template: the chrome and the page's own values.
struct PanelPage<Content: Encodable>: Encodable {
    var chrome: PanelChrome
    var page: Content
}

extension Request {
    /// The chrome for a page of the signed-in person, in `tenant` (nil: pages outside a tenant).
    func panelChrome(title: String, tenant: (Tenant, AdminRole)? = nil, section: String = "") async throws -> PanelChrome {
        let principal = try adminPrincipal
        let access = AdminAccess(principal)
        let reachable = try await access.tenants(in: FluentTenantDirectory(database: db(.parley)))
        let current = tenant.map { PanelChrome.TenantLink(slug: $0.0.slug, name: $0.0.name, role: $0.1.rawValue, current: true) }
        return PanelChrome(
            title: title,
            person: .init(name: principal.user.displayName, email: principal.user.email, platform: principal.user.isPlatformAdmin),
            csrf: principal.csrfToken,
            tenants: reachable.map { .init(slug: $0.0.slug, name: $0.0.name, role: $0.1.rawValue, current: $0.0.id == tenant?.0.id) },
            switchable: reachable.count > 1,
            tenant: current,
            sections: tenant.map { PanelChrome.sections(slug: $0.0.slug, role: $0.1, current: section) } ?? [],
            notice: PanelNotice.text(query[String.self, at: "done"]),
            problem: nil)
    }

    /// Renders a panel template with no caching by browsers or proxies (pages hold tenant data).
    func panel<Content: Encodable>(_ template: String, _ chrome: PanelChrome, _ page: Content, status: HTTPResponseStatus = .ok) async throws -> Response {
        let view = try await self.view.render(template, PanelPage(chrome: chrome, page: page))
        let response = try await view.encodeResponse(status: status, for: self)
        PanelHeaders.apply(to: &response.headers)
        return response
    }
}

/// Security headers of every panel page: only our own style and script, no framing, no caching.
enum PanelHeaders {
    static let policy = "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data: https:; form-action 'self'; "
        + "frame-src 'self'; frame-ancestors 'none'; base-uri 'none'"

    static func apply(to headers: inout HTTPHeaders) {
        headers.replaceOrAdd(name: "Content-Security-Policy", value: policy)
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
    }
}

/// The one-line confirmations after a form, named by a code in the redirect (`?done=…`):
/// only fixed texts, so nothing a visitor typed ever travels in a URL.
enum PanelNotice {
    static let texts: [String: String] = [
        "persona_saved": "The persona is saved. The next chat turn uses it.",
        "agent_saved": "The agent's settings are saved.",
        "source_added": "The source is added. It is searchable once indexed.",
        "source_deleted": "The source is deleted with its passages.",
        "source_queued": "The page will be fetched again shortly.",
        "budget_saved": "The budget is saved.",
        "tenant_created": "The tenant is created.",
        "tenant_saved": "The tenant is saved.",
        "person_added": "The person can now sign in to this tenant.",
        "person_removed": "The person no longer has a role here.",
        "settings_saved": "The widget settings are saved.",
        "password_changed": "Your password is changed; other sessions are signed out.",
        "summary_written": "The summary is written.",
        "summary_emailed": "The summary is written and e-mailed to the sales recipients.",
        "measure_queued": "The knowledge base is being measured; reload this page in a minute.",
        "escalation_closed": "The escalation is closed. A new one opens if the conversation calls for a person again.",
    ]

    static func text(_ code: String?) -> String? {
        code.flatMap { texts[$0] }
    }
}
