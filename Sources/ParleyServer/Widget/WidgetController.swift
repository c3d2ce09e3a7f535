import Fluent
import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
import Vapor

/// Serves the embeddable widget and the pages that show it:
/// `GET /widget.js` (script with its stylesheet; ETag, cache headers, gzip),
/// `GET /a/{agent}/config` (the tenant's public widget settings),
/// `GET /a/{agent}/` (full-page chat with the same component) and `GET /demo` (a customer-like
/// page embedding the widget). `/` leads to the demo page.
struct WidgetController: RouteCollection {
    let assets: WidgetAssets

    /// Browsers and proxies may keep the script an hour, then revalidate with the ETag.
    static let scriptCacheControl = "public, max-age=3600"
    static let pageSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        + "img-src 'self' https: http: data:; connect-src 'self'; base-uri 'none'; form-action 'none'"

    func boot(routes: any RoutesBuilder) throws {
        routes.get("widget.js", use: script)
        routes.grouped("a", ":agent").grouped(CallerMiddleware(credential: .widget)).get("config", use: config)
        let pages = routes.grouped(CallerMiddleware(credential: .page))
        pages.get("a", ":agent", use: chatPage)
        pages.get("demo", use: demoPage)
        routes.get { request in request.redirect(to: "/demo") }
    }

    func script(_ request: Request) -> Response {
        let asset = assets.script
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .eTag, value: asset.etag)
        headers.replaceOrAdd(name: .cacheControl, value: Self.scriptCacheControl)
        headers.replaceOrAdd(name: "Cross-Origin-Resource-Policy", value: "cross-origin")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        if Self.matches(request.headers[.ifNoneMatch], etag: asset.etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers.replaceOrAdd(name: .contentType, value: "text/javascript; charset=utf-8")
        headers.responseCompression = .enable
        return Response(status: .ok, headers: headers, body: .init(string: asset.body))
    }

    func config(_ request: Request) async throws -> Response {
        let context = try request.tenantContext
        let response = try await WidgetConfigResponse(tenant: context.tenant, agent: try context.requireAgent(), config: context.services.config)
            .encodeResponse(for: request)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        return response
    }

    func chatPage(_ request: Request) async throws -> Response {
        let context = try request.tenantContext
        let (tenant, agent) = (context.tenant, try context.requireAgent())
        let appearance = WidgetAppearance(settings: tenant.settings)
        let html = HTMLTemplate.render(assets.chatPage, [
            "lang": appearance.language ?? "en",
            "title": "\(appearance.title ?? agent.name) · \(tenant.name)",
            "widget_key": tenant.widgetKey,
            "agent": agent.code,
        ])
        let response = Self.page(html)
        PageFraming.apply(to: &response.headers, tenant: tenant, config: context.services.config, policy: Self.pageSecurityPolicy)
        return response
    }

    func demoPage(_ request: Request) async throws -> Response {
        let context = try request.tenantContext
        let response = Self.page(HTMLTemplate.render(assets.demoPage, [
            "site": context.tenant.name,
            "widget_key": context.tenant.widgetKey,
            "agent": context.services.config.app.defaultAgent,
        ]))
        PageFraming.apply(to: &response.headers, tenant: context.tenant, config: context.services.config)
        return response
    }

    // MARK: - Helpers

    private static func page(_ html: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/html; charset=utf-8")
        headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        headers.replaceOrAdd(name: "Referrer-Policy", value: "strict-origin-when-cross-origin")
        headers.responseCompression = .enable
        return Response(status: .ok, headers: headers, body: .init(string: html))
    }

    /// `If-None-Match` with a list of tags or `*`, compared weakly (RFC 9110 §13.1.2).
    static func matches(_ values: [String], etag: String) -> Bool {
        let wanted = etag.replacingOccurrences(of: "W/", with: "")
        for value in values {
            for tag in value.split(separator: ",") {
                let candidate = tag.trimmingCharacters(in: .whitespaces)
                if candidate == "*" || candidate.replacingOccurrences(of: "W/", with: "") == wanted { return true }
            }
        }
        return false
    }
}
