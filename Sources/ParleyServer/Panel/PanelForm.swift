import ParleyAccounts
import ParleyCore
import Vapor

/// Reading a panel form: the body (URL-encoded, or multipart for an upload) is handed to the
/// handler only when its `_csrf` field matches the session's token, so no state-changing handler
/// can run on a form another site submitted. Every panel POST handler reads its form through here.
enum PanelForm {
    static func decode<Form: Decodable>(_ type: Form.Type, _ request: Request) throws -> Form {
        if let contentType = request.headers.contentType, contentType.type == "multipart" {
            guard let boundary = contentType.parameters["boundary"], let body = request.body.data,
                  MultipartHeaderCheck.namesAreASCII(body, boundary: boundary) else {
                throw ParleyError.badRequest("invalid_form", "The form could not be read.")
            }
        } else if request.headers.contentType != .urlEncodedForm {
            throw ParleyError(code: "unsupported_media_type", message: "Submit the form from the panel.", kind: .unsupportedMediaType)
        }
        let principal = try request.adminPrincipal
        // One decoding of the body gives both the token and the form (a multipart body is parsed once).
        let decoded: WithToken<Form>
        do {
            decoded = try request.content.decode(WithToken<Form>.self)
        } catch {
            guard let sent = try? request.content.get(String.self, at: "_csrf"), ConstantTime.equal(sent, principal.csrfToken) else {
                throw Self.expired
            }
            throw ParleyError.badRequest("invalid_form", "The form is missing a field or has a value of the wrong kind.")
        }
        guard let sent = decoded.token, ConstantTime.equal(sent, principal.csrfToken) else { throw Self.expired }
        return decoded.form
    }

    static let expired = ParleyError(code: "csrf_failed", message: "This form has expired. Reload the page and try again.", kind: .forbidden)

    /// A form's fields and its `_csrf` field, read from the same decoder.
    struct WithToken<Fields: Decodable>: Decodable {
        var token: String?
        var form: Fields

        enum CodingKeys: String, CodingKey { case token = "_csrf" }

        init(from decoder: any Decoder) throws {
            token = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .token)
            form = try Fields(from: decoder)
        }
    }

    /// A form with no fields but the token (delete, sign out, re-ingest).
    struct Empty: Decodable {}

    static func requireToken(_ request: Request) throws {
        _ = try decode(Empty.self, request)
    }
}
