import Foundation
import ParleyCore
import ParleyIngest
import Vapor

/// Turns a `POST /api/v1/sources` request (JSON or multipart upload) into a checked
/// `SourceInput`, or a 4xx naming the problem. Nothing is written before this succeeds.
struct SourceRequestParser {
    let maxBytes: Int
    let agentExists: (String) async throws -> Bool

    static let maxTitle = 300
    static let maxURL = 2048

    func parse(_ request: Request) async throws -> SourceInput {
        if JSONRequestBody.isJSON(request) { return try await parseJSON(request) }
        if let type = request.headers.contentType, type.type == "multipart", type.subType == "form-data" {
            return try await parseUpload(request)
        }
        throw Self.unsupported
    }

    static let unsupported = ParleyError(code: "unsupported_media_type",
                                         message: "Send a source as application/json or a file as multipart/form-data.", kind: .unsupportedMediaType)

    private func parseJSON(_ request: Request) async throws -> SourceInput {
        let body = try JSONRequestBody.decode(SourceRequestBody.self, from: request, invalidMessage:
            "The body must be JSON like {\"kind\": \"text\", \"title\": \"…\", \"content\": \"…\"} or {\"kind\": \"url\", \"url\": \"https://…\"}.")
        return try await input(from: body)
    }

    /// A source described by fields (the API's JSON, or the panel's form), checked.
    func input(from body: SourceRequestBody) async throws -> SourceInput {
        guard let kind = SourceKind(rawValue: body.kind) else {
            throw ParleyError.badRequest("invalid_kind", "kind must be one of \(SourceKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let title = try checkedTitle(body.title)
        let agent = try await checkedAgent(body.agent)
        switch kind {
        case .url:
            let url = try checkedURL(body.url)
            return SourceInput(kind: .url, title: title, locator: url.absoluteString, agentCode: agent, payload: .web(url))
        case .pdf:
            throw ParleyError.badRequest("upload_required", "Upload a PDF as a file (multipart/form-data, field \"file\").")
        case .faq where body.faq != nil:
            let items = body.faq ?? []
            guard !items.isEmpty else { throw ParleyError.badRequest("empty_content", "The FAQ has no entries.") }
            let data = try JSONEncoder().encode(items)
            return SourceInput(kind: .faq, title: title ?? "FAQ", locator: body.url, agentCode: agent, payload: .text(String(decoding: data, as: UTF8.self)))
        default:
            guard let content = body.content, !content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ParleyError.badRequest("empty_content", "content is empty.")
            }
            guard !content.unicodeScalars.contains(where: ChatRequestValidator.isForbiddenControl) else {
                throw ParleyError.badRequest("invalid_characters", "content contains control characters.")
            }
            return SourceInput(kind: kind, title: title ?? "Untitled", locator: nil, agentCode: agent, payload: .text(content))
        }
    }

    private func parseUpload(_ request: Request) async throws -> SourceInput {
        let form: SourceUploadForm
        if let boundary = request.headers.contentType?.parameters["boundary"], let body = request.body.data,
           !MultipartHeaderCheck.namesAreASCII(body, boundary: boundary) {
            throw ParleyError.badRequest("invalid_upload", "A part of the upload has a header name that is not ASCII.")
        }
        do {
            form = try request.content.decode(SourceUploadForm.self)
        } catch {
            throw ParleyError.badRequest("invalid_upload", "The upload must be multipart/form-data with a \"file\" field.")
        }
        return try await input(fromUpload: form)
    }

    /// An uploaded file's form (the API's, or the panel's after its token was checked), checked.
    func input(fromUpload form: SourceUploadForm) async throws -> SourceInput {
        let name = form.file.filename
        guard !name.isEmpty, name.count <= 255, !name.contains("/"), !name.contains("\\"), !name.contains("\0") else {
            throw ParleyError.badRequest("invalid_file_name", "The file needs a plain name (no folders), at most 255 characters.")
        }
        let data = Data(form.file.data.readableBytesView)
        guard !data.isEmpty else { throw ParleyError.badRequest("empty_content", "The file is empty.") }
        guard data.count <= maxBytes else { throw ParleyError.payloadTooLarge("The file is larger than \(maxBytes) bytes.") }
        let kind: SourceKind
        if let requested = form.kind {
            guard let parsed = SourceKind(rawValue: requested), parsed != .url else {
                throw ParleyError.badRequest("invalid_kind", "kind must be text, faq, pdf, markdown or html for an upload.")
            }
            kind = parsed
        } else {
            kind = SourceInput.kind(forFileName: name)
        }
        return SourceInput(kind: kind, title: try checkedTitle(form.title), locator: name, agentCode: try await checkedAgent(form.agent),
                           payload: .file(data))
    }

    private func checkedTitle(_ title: String?) throws -> String? {
        guard let title else { return nil }
        let trimmed = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= Self.maxTitle,
              !trimmed.unicodeScalars.contains(where: ChatRequestValidator.isForbiddenControl) else {
            throw ParleyError.badRequest("invalid_title", "title must be 1 to \(Self.maxTitle) characters of text.")
        }
        return trimmed
    }

    private func checkedAgent(_ agent: String?) async throws -> String? {
        guard let agent else { return nil }
        guard ConfigLoader.isAgentCode(agent), try await agentExists(agent) else {
            throw ParleyError.badRequest("unknown_agent", "No agent has the code given in \"agent\".")
        }
        return agent
    }

    private func checkedURL(_ text: String?) throws -> URL {
        guard let text, text.count <= Self.maxURL, let url = URL(string: text), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty, url.user == nil, url.password == nil else {
            throw ParleyError.badRequest("invalid_url", "url must be an http(s) address without credentials, at most \(Self.maxURL) characters.")
        }
        return url
    }
}
