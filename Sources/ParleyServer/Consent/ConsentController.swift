import Fluent
import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
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
        let consent = routes.grouped("api", "consent").grouped(CallerMiddleware(credential: .widget))
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

        init(_ status: ConsentDesk.Status) {
            required = status.required
            consented = status.consented
            termsVersion = status.termsVersion
        }
    }

    func record(_ request: Request) async throws -> Response {
        let desk = try request.tenantContext.consent
        try JSONRequestBody.requireJSON(request, message: "Send the answer as application/json.")
        let visitor = try Self.visitorHash(request)
        let body = try JSONRequestBody.decode(RecordBody.self, from: request,
                                              invalidMessage: "The body must be JSON like {\"accepted\": true, \"terms_version\": \"1\"}.")
        let status = try await desk.record(visitorHash: visitor, accepted: body.accepted, termsVersion: body.termsVersion,
                                           ipAddress: request.remoteAddress?.ipAddress, userAgent: request.headers.first(name: .userAgent))
        let response = try await ConsentStatus(status).encodeResponse(for: request)
        response.status = .created
        return response
    }

    func check(_ request: Request) async throws -> ConsentStatus {
        let desk = try request.tenantContext.consent
        return ConsentStatus(try await desk.status(visitorHash: try Self.visitorHash(request)))
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
