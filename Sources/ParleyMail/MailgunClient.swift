import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ParleyCore

/// Mailgun's HTTP API, the two calls Parley makes: send a message
/// (`POST /v3/{domain}/messages`, form fields, basic auth `api:KEY`) and look up whether a
/// message with a given `Message-Id` was accepted (`GET /v3/{domain}/events`), which is how a
/// send whose answer was lost is told apart from one that never arrived.
public struct MailgunClient: Sendable {
    public struct Settings: Sendable {
        public var baseURL: String
        public var domain: String
        public var apiKey: String
        public var from: String
        public var timeout: Duration

        public init(baseURL: String, domain: String, apiKey: String, from: String, timeout: Duration) {
            self.baseURL = baseURL
            self.domain = domain
            self.apiKey = apiKey
            self.from = from
            self.timeout = timeout
        }
    }

    /// How a send went.
    public enum SendOutcome: Sendable, Equatable {
        /// Accepted: Mailgun's message id and its words.
        case accepted(id: String, message: String)
        /// Worth trying again (429, 408, 5xx, no answer), no sooner than `retryAfter` if Mailgun said.
        case retryable(status: Int?, response: String, retryAfter: Duration?)
        /// Refused for good (400, 401, 403, 404, …): trying again cannot help.
        case refused(status: Int, response: String)
    }

    public let settings: Settings
    private let client: HTTPClient
    /// Mailgun's answers are small; anything longer is cut, never kept whole.
    static let maxResponseBytes = 64 * 1024

    public init(settings: Settings, client: HTTPClient) {
        self.settings = settings
        self.client = client
    }

    private var domainPath: String {
        settings.baseURL + "/v3/" + (settings.domain.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? settings.domain)
    }

    private var authorization: String {
        "Basic " + Data("api:\(settings.apiKey)".utf8).base64EncodedString()
    }

    /// Sends `email` with the `Message-Id` header `messageID` (`<…@domain>`) and Parley's id as
    /// a user variable (it comes back in webhooks).
    public func send(_ email: OutgoingEmail, messageID: String, parleyID: EmailID) async -> SendOutcome {
        var fields: [(String, String)] = [
            ("from", settings.from), ("to", email.to), ("subject", email.subject), ("text", email.text),
            ("h:Message-Id", messageID), ("v:parley_email_id", parleyID.description), ("o:tag", email.kind.isEmpty ? "parley" : email.kind),
        ]
        if let html = email.html { fields.append(("html", html)) }
        var request = HTTPClientRequest(url: domainPath + "/messages")
        request.method = .POST
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: FormEncoding.encode(fields)))
        let answer: (status: Int, body: String, retryAfter: Duration?)
        do {
            answer = try await exchange(request)
        } catch {
            return .retryable(status: nil, response: error is DeadlineExceeded ? "no answer within the timeout" : "connection failed", retryAfter: nil)
        }
        if answer.status == 200 {
            let parsed = JSONValue.parse(Data(answer.body.utf8))
            guard let id = parsed?["id"]?.stringValue else {
                return .retryable(status: 200, response: Self.shortened(answer.body), retryAfter: nil)
            }
            return .accepted(id: id, message: parsed?["message"]?.stringValue ?? "")
        }
        if RetryPolicy.isRetryable(status: answer.status) {
            return .retryable(status: answer.status, response: Self.shortened(answer.body), retryAfter: answer.retryAfter)
        }
        return .refused(status: answer.status, response: Self.shortened(answer.body))
    }

    /// Whether Mailgun accepted a message sent with `messageID` (the events API, `accepted`
    /// events); nil when Mailgun could not be asked.
    public func wasAccepted(messageID: String, since: Date) async -> Bool? {
        let bare = messageID.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
        var query = URLComponents()
        query.queryItems = [URLQueryItem(name: "message-id", value: bare), URLQueryItem(name: "event", value: "accepted"),
                            URLQueryItem(name: "begin", value: String(Int(since.timeIntervalSince1970) - 60)),
                            URLQueryItem(name: "ascending", value: "yes"), URLQueryItem(name: "limit", value: "10")]
        var request = HTTPClientRequest(url: domainPath + "/events" + (query.url?.absoluteString ?? ""))
        request.headers.add(name: "Authorization", value: authorization)
        guard let answer = try? await exchange(request), answer.status == 200,
              let items = JSONValue.parse(Data(answer.body.utf8))?["items"]?.arrayValue else { return nil }
        return !items.isEmpty
    }

    private func exchange(_ request: HTTPClientRequest) async throws -> (status: Int, body: String, retryAfter: Duration?) {
        let answer = try await BoundedExchange.run(client, request, timeout: settings.timeout, maxBytes: Self.maxResponseBytes)
        return (answer.status, String(buffer: answer.body), answer.retryAfter)
    }

    static func shortened(_ text: String) -> String {
        text.count > 500 ? String(text.prefix(500)) + "…" : text
    }
}

/// `application/x-www-form-urlencoded` bodies, as HTML forms and Mailgun's API read them.
enum FormEncoding {
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._*")

    static func encode(_ fields: [(String, String)]) -> String {
        fields.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    static func escape(_ text: String) -> String {
        (text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "")
    }
}
