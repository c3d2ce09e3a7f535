import ParleyCore
import Vapor

/// Who may show Parley's own pages (the full-page chat, the demo page) in a frame: only the
/// tenant's allowed origins. Without them a page could be framed by any site on Parley's own
/// origin, which the widget's origin check trusts (clickjacking a tenant's chat).
enum PageFraming {
    /// The CSP `frame-ancestors` directive for the tenant's pages.
    static func frameAncestors(tenant: Tenant, config: ParleyConfig) -> String {
        let origins = WidgetCORSMiddleware.allowedOrigins(tenant: tenant, config: config)
            .filter { origin in origin.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ":/.-*".contains($0)) } }
        if origins.contains("*") { return "frame-ancestors *" }
        return origins.isEmpty ? "frame-ancestors 'none'" : "frame-ancestors " + origins.joined(separator: " ")
    }

    /// Sets the framing headers on a page: CSP `frame-ancestors`, and `X-Frame-Options: DENY`
    /// for browsers without CSP when no origin may frame the page.
    static func apply(to headers: inout HTTPHeaders, tenant: Tenant, config: ParleyConfig, policy: String? = nil) {
        let ancestors = frameAncestors(tenant: tenant, config: config)
        headers.replaceOrAdd(name: "Content-Security-Policy", value: policy.map { "\($0); \(ancestors)" } ?? ancestors)
        if ancestors == "frame-ancestors 'none'" { headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY") }
    }
}
