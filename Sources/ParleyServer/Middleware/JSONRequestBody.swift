import Foundation
import ParleyCore
import Vapor

/// The checks every JSON endpoint makes before it reads a field: the content type, a body
/// that is there, and a body that decodes. Each failure is a 4xx naming the problem.
enum JSONRequestBody {
    static func isJSON(_ request: Request) -> Bool {
        isJSON(request.headers)
    }

    /// The header as a browser or client library sends it (`application/json`, optionally with
    /// parameters) is answered from its text; anything else goes through Vapor's media-type
    /// parser, whose directive parsing cost a chat turn's POST more than its validation.
    static func isJSON(_ headers: HTTPHeaders) -> Bool {
        if let raw = headers.first(name: .contentType), raw == "application/json" || raw.hasPrefix("application/json;") {
            return true
        }
        guard let type = headers.contentType else { return false }
        return type.type == "application" && type.subType == "json"
    }

    /// 415 `unsupported_media_type` unless the request is `application/json`.
    static func requireJSON(_ request: Request, message: String) throws {
        guard isJSON(request) else { throw ParleyError(code: "unsupported_media_type", message: message, kind: .unsupportedMediaType) }
    }

    /// The collected body decoded as `T`: 400 `empty_body` when there is none, 400 `invalid_json`
    /// with `invalidMessage` (which shows the expected shape) when it does not decode.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, emptyMessage: String = "The request body is empty.",
                                     invalidMessage: String) throws -> T {
        guard let buffer = request.body.data, buffer.readableBytes > 0 else {
            throw ParleyError.badRequest("empty_body", emptyMessage)
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw ParleyError.badRequest("invalid_json", invalidMessage)
        }
    }
}
