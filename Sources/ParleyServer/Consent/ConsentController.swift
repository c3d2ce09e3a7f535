import Fluent
import Foundation
import NIOHTTP1
import ParleyCore
import ParleyStore
import Vapor

/// The consent notice's API, for the widget (seed 004):
/// `POST /api/consent` `{"accepted": bool, "terms_version": "…"}` records a visitor's answer;
/// `GET /api/consent/check` says whether the tenant asks for consent and whether the visitor
/// has given it for the current terms. The visitor is the random id in `X-Parley-Visitor`
/// (a header, never a URL), stored only as its SHA-256.
struct ConsentController: RouteCollection {
    static let visitorHeader = "X-Parley-Visitor"
    static let maxBodyBytes = 1024

    func boot(routes: any RoutesBuilder) throws {
        let consent = routes.grouped("api", "consent")
        consent.on(.POST, body: .collect(maxSize: ByteCount(value: Self.maxBodyBytes)), use: record)
        consent.get("check", use: check)
    }

    struct RecordBody: Decodable {
        var accepted: Bool
        var termsVersion: String

        enum CodingKeys: String, CodingKey {
            case accepted
            case termsVersion = "terms_version"
        }
    }

    struct ConsentStatus: Content {
        var required: Bool
        var consented: Bool
        var termsVersion: String

        enum CodingKeys: String, CodingKey {
            case required, consented
            case termsVersion = "terms_version"
        }
    }

    func record(_ request: Request) async throws -> Response {
        try JSONRequestBody.requireJSON(request, message: "Send the answer as application/json.")
        let visitor = try Self.visitorHash(request)
        let body = try JSONRequestBody.decode(RecordBody.self, from: request,
                                              invalidMessage: "The body must be JSON like {\"accepted\": true, \"terms_version\": \"1\"}.")
        let (tenant, policy) = try await tenantAndPolicy(request)
        guard body.termsVersion == policy.termsVersion else {
            throw ParleyError(code: "stale_terms", message: "The terms changed; show the current notice (version \(policy.termsVersion)).", kind: .conflict)
        }
        let consent = ConsentRecord(tenantID: tenant.id, visitorHash: visitor, accepted: body.accepted, termsVersion: policy.termsVersion,
                                    ipAddress: request.remoteAddress?.ipAddress.map { String($0.prefix(45)) },
                                    userAgent: request.headers.first(name: .userAgent).map { String($0.prefix(512)) })
        try await FluentConsentStore(database: request.db(.parley)).record(consent)
        let status = ConsentStatus(required: policy.required, consented: policy.isSatisfied(by: consent), termsVersion: policy.termsVersion)
        let response = try await status.encodeResponse(for: request)
        response.status = .created
        return response
    }

    func check(_ request: Request) async throws -> ConsentStatus {
        let visitor = try Self.visitorHash(request)
        let (tenant, policy) = try await tenantAndPolicy(request)
        let latest = try await FluentConsentStore(database: request.db(.parley)).latest(tenant: tenant.id, visitorHash: visitor)
        return ConsentStatus(required: policy.required, consented: policy.isSatisfied(by: latest), termsVersion: policy.termsVersion)
    }

    private func tenantAndPolicy(_ request: Request) async throws -> (Tenant, ConsentPolicy) {
        let tenant = try await TenantResolver(request).resolve(request)
        return (tenant, ConsentPolicy(tenant: tenant, defaults: request.application.parley.config.consent))
    }

    /// Refuses a chat message from a visitor without consent on record when the tenant asks for
    /// it (seed 004 checks consent at input), before anything is written.
    static func requireConsent(_ request: Request, tenant: Tenant) async throws {
        let policy = ConsentPolicy(tenant: tenant, defaults: request.application.parley.config.consent)
        guard policy.required else { return }
        let refusal = ParleyError(code: "consent_required", message: "Accept the site's chat terms before chatting.", kind: .forbidden)
        guard let visitor = try? visitorHash(request) else { throw refusal }
        let latest = try await FluentConsentStore(database: request.db(.parley)).latest(tenant: tenant.id, visitorHash: visitor)
        guard policy.isSatisfied(by: latest) else { throw refusal }
    }

    /// The SHA-256 of a well-formed visitor id (16 to 128 URL-safe characters).
    static func visitorHash(_ request: Request) throws -> String {
        guard let visitor = request.headers.first(name: visitorHeader), (16 ... 128).contains(visitor.count),
              visitor.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw ParleyError.badRequest("invalid_visitor", "Send the visitor's random id (16 to 128 letters, digits, '-' or '_') in X-Parley-Visitor.")
        }
        return KeyMaterial.hash(visitor)
    }
}
