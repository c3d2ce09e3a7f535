import Crypto
import Foundation
import ParleyCore
import Vapor

/// A real HTTP server speaking the part of Mailgun's API Parley uses: `POST /v3/{domain}/messages`
/// (form fields, basic auth `api:KEY`, `{"id", "message"}` on success, Mailgun's error shapes
/// otherwise) and `GET /v3/{domain}/events?message-id=&event=accepted` over the messages it
/// accepted. Tests script its next answers: an error status (with `Retry-After` on 429), or an
/// accept whose answer is held back for a while (the sender times out, but the message is in).
public final class FakeMailgunServer: Sendable {
    public enum Scripted: Sendable, Equatable {
        case status(Int)
        /// Accept the message, then wait this long before answering.
        case acceptSlowly(Duration)
    }

    /// A message as it arrived.
    public struct Message: Sendable {
        public var domain: String
        public var fields: [String: String]
        public var arrivedAt: ContinuousClock.Instant
        public var wallClock: Date
        public var messageID: String
    }

    actor State {
        var script: [Scripted] = []
        var messages: [Message] = []
        var posts = 0

        func next() -> Scripted? {
            posts += 1
            return script.isEmpty ? nil : script.removeFirst()
        }
        func add(_ message: Message) { messages.append(message) }
        func enqueue(_ items: [Scripted]) { script += items }
    }

    private let server: LoopbackServer
    private let state: State
    public let apiKey: String
    public var port: Int { server.port }
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public static func start(apiKey: String = "key-test-mailgun-0001") async throws -> FakeMailgunServer {
        let state = State()
        let expected = "Basic " + Data("api:\(apiKey)".utf8).base64EncodedString()
        let server = try await LoopbackServer.start { app in
            app.on(.POST, "v3", ":domain", "messages", body: .collect(maxSize: "8mb")) { request async -> Response in
                guard request.headers.first(name: .authorization) == expected else { return text(401, "Forbidden") }
                let scripted = await state.next()
                if case .status(let status)? = scripted {
                    let response = Response.fakeJSON(status: status, ["message": .string(status == 429 ? "Too many requests" : "Injected failure \(status)")])
                    if status == 429 { response.headers.replaceOrAdd(name: "Retry-After", value: "1") }
                    return response
                }
                guard request.headers.contentType == .urlEncodedForm,
                      let fields = try? request.content.decode([String: String].self, as: .urlEncodedForm) else {
                    return Response.fakeJSON(status: 400, ["message": "Bad request: send the message as form fields"])
                }
                for required in ["from", "to", "subject"] where (fields[required] ?? "").isEmpty {
                    return Response.fakeJSON(status: 400, ["message": .string("\(required) parameter is missing")])
                }
                guard fields["text"] != nil || fields["html"] != nil else {
                    return Response.fakeJSON(status: 400, ["message": "Need at least one of 'text', 'html' or 'template' parameters specified"])
                }
                let domain = request.parameters.get("domain") ?? ""
                let id = (fields["h:Message-Id"] ?? "<\(UUID().uuidString.lowercased())@\(domain)>")
                await state.add(Message(domain: domain, fields: fields, arrivedAt: .now, wallClock: Date(),
                                        messageID: id.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))))
                if case .acceptSlowly(let delay)? = scripted { try? await Task.sleep(for: delay) }
                return Response.fakeJSON(status: 200, ["id": .string(id), "message": "Queued. Thank you."])
            }
            app.get("v3", ":domain", "events") { request async -> Response in
                guard request.headers.first(name: .authorization) == expected else { return text(401, "Forbidden") }
                let wanted = request.query[String.self, at: "message-id"]
                let event = request.query[String.self, at: "event"]
                let found = await state.messages.filter { message in
                    (wanted == nil || message.messageID == wanted) && (event == nil || event == "accepted")
                }
                let items = found.map { message -> JSONValue in
                    .object(["event": "accepted", "timestamp": .number(message.wallClock.timeIntervalSince1970),
                             "message": .object(["headers": .object(["message-id": .string(message.messageID)])])])
                }
                return Response.fakeJSON(status: 200, ["items": .array(items), "paging": .object([:])])
            }
        }
        return FakeMailgunServer(server: server, state: state, apiKey: apiKey)
    }

    private init(server: LoopbackServer, state: State, apiKey: String) {
        self.server = server
        self.state = state
        self.apiKey = apiKey
    }

    /// The answers to give the next POSTs, in order (after them, every message is accepted).
    public func script(_ answers: [Scripted]) async { await state.enqueue(answers) }
    public var messages: [Message] { get async { await state.messages } }
    /// Every POST to the messages endpoint, accepted or not.
    public var posts: Int { get async { await state.posts } }
    public func stop() async { await server.stop() }

    /// Mailgun's webhook signature: hex HMAC-SHA256 of `timestamp + token` under the signing key.
    public static func sign(key: String, timestamp: String, token: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data((timestamp + token).utf8), using: SymmetricKey(data: Data(key.utf8)))
            .hexString
    }
}

private func text(_ status: Int, _ body: String) -> Response {
    Response(status: HTTPResponseStatus(statusCode: status), body: .init(string: body))
}
