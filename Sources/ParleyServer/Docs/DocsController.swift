import Foundation
import Vapor

/// `GET /openapi.json` (the OpenAPI 3.1 document) and `GET /docs` (the same, as a page).
/// Both are public: they describe the API, not any tenant.
struct DocsController: RouteCollection {
    let api: OpenAPIDocument
    let page: String

    init(api: OpenAPIDocument) {
        self.api = api
        page = APIReferencePage.render(api)
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("openapi.json") { _ in
            Self.response(api.json, type: .json)
        }
        routes.get("docs") { _ in
            Self.response(page, type: .html)
        }
    }

    private static func response(_ text: String, type: HTTPMediaType) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = type
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }
}
