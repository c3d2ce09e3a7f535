import Foundation
import NIOCore
import NIOHTTP1
import ParleyCore
import Vapor

/// A real HTTP server that speaks the OpenAI chat completions wire protocol (SSE streaming,
/// `[DONE]`, usage in the final chunk), driven by a script of responses, one per request.
/// Used to test the LLM client and whole chat turns against failure modes a provider shows.
public final class FakeOpenAIServer: Sendable {
    /// How the server answers one request.
    public enum Reply: Sendable {
        /// Streams `tokens`, then a usage chunk and `[DONE]`, in network chunks of `chunkSizes` bytes (cycled).
        case stream(tokens: [String], usage: TokenUsage?, chunkSizes: [Int] = [4096])
        /// Streams `tokens`, then `usage` as a raw JSON object (fields providers leave out or add).
        case streamWithRawUsage(tokens: [String], usage: String)
        /// Answers with an HTTP error status and a JSON error body.
        case status(Int)
        /// Answers with an HTTP error status and a `Retry-After` header (seconds or an HTTP-date).
        case statusRetryAfter(Int, retryAfter: String)
        /// Answers with an HTTP error status and a `Retry-After` HTTP-date `seconds` after the
        /// moment it answers (IMF-fixdate, whole seconds).
        case statusRetryAfterDate(Int, secondsAhead: Int)
        /// Answers 200 with an in-stream error object before any token (OpenRouter reports
        /// rate limits and upstream failures so).
        case errorBeforeFirstToken(status: Int)
        /// Streams `tokens`, then an in-stream error object (how providers report a 5xx mid-stream).
        case failMidStream(tokens: [String], status: Int)
        /// Streams `tokens`, then closes the connection without `[DONE]`.
        case dropMidStream(tokens: [String])
        /// Sends the response head, then waits `delay` before the first token.
        case slowFirstToken(delay: Duration, tokens: [String])
        /// Streams `tokens`, then a chunk that is not JSON.
        case malformedChunk(tokens: [String])
    }

    /// A request the server received.
    public struct Received: Sendable {
        public var body: JSONValue
        public var authorization: String?
        /// When the request arrived (retry spacing).
        public var at: ContinuousClock.Instant = .now
    }

    private let server: LoopbackServer
    private let state: State
    public var port: Int { server.port }

    actor State {
        var replies: [Reply] = []
        var received: [Received] = []
        var embeddingFailures: [Int] = []
        var embeddingRequests: [Received] = []

        func nextEmbedding(_ request: Received) -> Int? {
            embeddingRequests.append(request)
            return embeddingFailures.isEmpty ? nil : embeddingFailures.removeFirst()
        }

        func failEmbeddings(_ statuses: [Int]) { embeddingFailures.append(contentsOf: statuses) }

        func next(_ request: Received) -> Reply {
            received.append(request)
            return replies.isEmpty ? .status(500) : replies.removeFirst()
        }

        func enqueue(_ new: [Reply]) { replies.append(contentsOf: new) }
    }

    public static func start() async throws -> FakeOpenAIServer {
        let state = State()
        let server = try await LoopbackServer.start { app in
            app.on(.POST, "v1", "chat", "completions", body: .collect(maxSize: "4mb")) { request async throws -> Response in
                let body = request.body.data.map { JSONValue.parse(Data($0.readableBytesView)) ?? .null } ?? .null
                let reply = await state.next(Received(body: body, authorization: request.headers.first(name: .authorization)))
                return FakeOpenAIServer.respond(reply, model: body["model"]?.stringValue ?? "fake-model")
            }
            app.on(.POST, "v1", "embeddings", body: .collect(maxSize: "4mb")) { request async throws -> Response in
                let body = request.body.data.map { JSONValue.parse(Data($0.readableBytesView)) ?? .null } ?? .null
                if let status = await state.nextEmbedding(Received(body: body, authorization: request.headers.first(name: .authorization))) {
                    return FakeOpenAIServer.respond(.status(status), model: "")
                }
                let inputs = body["input"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let data: [JSONValue] = inputs.enumerated().reversed().map { index, text in
                    ["object": "embedding", "index": .number(Double(index)),
                     "embedding": .array(FakeOpenAIServer.fakeEmbedding(text).map { .number(Double($0)) })]
                }
                let tokens = inputs.reduce(0) { $0 + $1.split(separator: " ").count }
                let reply: JSONValue = ["object": "list", "data": .array(data), "model": body["model"] ?? "m",
                                        "usage": ["prompt_tokens": .number(Double(tokens)), "total_tokens": .number(Double(tokens))]]
                let response = Response(status: .ok)
                response.headers.contentType = .json
                response.body = .init(string: reply.jsonString)
                return response
            }
        }
        return FakeOpenAIServer(server: server, state: state)
    }

    private init(server: LoopbackServer, state: State) {
        self.server = server
        self.state = state
    }

    /// Base URL to configure as `llm.base_url`.
    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    public func enqueue(_ replies: Reply...) async { await state.enqueue(replies) }

    public func received() async -> [Received] { await state.received }

    public func embeddingRequests() async -> [Received] { await state.embeddingRequests }

    /// The next embeddings requests fail with these statuses, in order.
    public func failEmbeddings(_ statuses: Int...) async { await state.failEmbeddings(statuses) }

    /// The fake's deterministic, unnormalised 8-d vector for a text (sent in reverse index order,
    /// so that clients must sort by `index`).
    public static func fakeEmbedding(_ text: String) -> [Float] {
        let bytes = Array(text.utf8)
        return (0..<8).map { lane in Float(bytes.enumerated().filter { $0.offset % 8 == lane }.reduce(1) { $0 + Int($1.element) }) }
    }

    public func stop() async { await server.stop() }

    // MARK: - Wire format

    static func chunk(_ content: String?, model: String, finish: String? = nil, usage: TokenUsage? = nil) -> String {
        var choice: [String: JSONValue] = ["index": 0, "delta": content.map { ["content": .string($0)] } ?? [:]]
        choice["finish_reason"] = finish.map(JSONValue.string) ?? .null
        var object: [String: JSONValue] = [
            "id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": .string(model),
            "choices": usage == nil ? .array([.object(choice)]) : .array([]),
        ]
        if let usage { object["usage"] = (try? JSONValue(encoding: usage)) ?? .null }
        return "data: \(JSONValue.object(object).jsonString)\n\n"
    }

    /// The whole body a `.stream` reply sends for a request naming `model` (tests cut it where
    /// they want the network writes to split it).
    public static func streamText(tokens: [String], usage: TokenUsage?, model: String) -> String {
        var text = ": OPENROUTER PROCESSING\n\n" + tokens.map { chunk($0, model: model) }.joined()
        text += chunk(nil, model: model, finish: "stop")
        if let usage { text += chunk(nil, model: model, usage: usage) }
        return text + "data: [DONE]\n\n"
    }

    static func respond(_ reply: Reply, model: String) -> Response {
        switch reply {
        case .status(let code):
            let response = Response(status: HTTPResponseStatus(statusCode: code))
            response.headers.contentType = .json
            response.body = .init(string: #"{"error":{"message":"scripted failure","code":\#(code)}}"#)
            return response
        case .statusRetryAfter(let code, let retryAfter):
            let response = respond(.status(code), model: model)
            response.headers.replaceOrAdd(name: "Retry-After", value: retryAfter)
            return response
        case .streamWithRawUsage(let tokens, let usage):
            var text = tokens.map { chunk($0, model: model) }.joined() + chunk(nil, model: model, finish: "stop")
            text += "data: {\"id\":\"chatcmpl-fake\",\"choices\":[],\"usage\":\(usage)}\n\n" + "data: [DONE]\n\n"
            return streaming(pieces: [Array(text.utf8)])
        case .statusRetryAfterDate(let code, let seconds):
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            return respond(.statusRetryAfter(code, retryAfter: formatter.string(from: Date().addingTimeInterval(Double(seconds)))), model: model)
        case .errorBeforeFirstToken(let status):
            let text = ": OPENROUTER PROCESSING\n\n" + "data: {\"error\":{\"message\":\"Rate limit exceeded\",\"code\":\(status)}}\n\n"
            return streaming(pieces: [Array(text.utf8)])
        case .stream(let tokens, let usage, let sizes):
            return streaming(pieces: split(Array(streamText(tokens: tokens, usage: usage, model: model).utf8), sizes: sizes))
        case .failMidStream(let tokens, let status):
            let text = tokens.map { chunk($0, model: model) }.joined()
                + "data: {\"error\":{\"message\":\"upstream failed\",\"code\":\(status)}}\n\n"
            return streaming(pieces: [Array(text.utf8)])
        case .dropMidStream(let tokens):
            return streaming(pieces: [Array(tokens.map { chunk($0, model: model) }.joined().utf8)], dropAtEnd: true)
        case .slowFirstToken(let delay, let tokens):
            var text = tokens.map { chunk($0, model: model) }.joined() + chunk(nil, model: model, finish: "stop")
            text += "data: [DONE]\n\n"
            return streaming(pieces: [Array(text.utf8)], initialDelay: delay)
        case .malformedChunk(let tokens):
            let text = tokens.map { chunk($0, model: model) }.joined() + "data: {\"choices\": [{\"delta\": \n\n"
                + chunk("never", model: model) + "data: [DONE]\n\n"
            return streaming(pieces: [Array(text.utf8)])
        }
    }

    static func split(_ bytes: [UInt8], sizes: [Int]) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var index = 0
        var turn = 0
        while index < bytes.count {
            let size = max(1, sizes[turn % sizes.count])
            pieces.append(Array(bytes[index..<min(bytes.count, index + size)]))
            index += size
            turn += 1
        }
        return pieces
    }

    static func streaming(pieces: [[UInt8]], initialDelay: Duration = .zero, dropAtEnd: Bool = false) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/event-stream")
        // A managed stream ends the response (or fails it, closing the connection) whatever happens.
        let body = Response.Body(managedAsyncStream: { writer in
            if initialDelay > .zero { try? await Task.sleep(for: initialDelay) }
            for piece in pieces {
                try await writer.writeBuffer(ByteBuffer(bytes: piece))
                if pieces.count > 1 { try? await Task.sleep(for: .milliseconds(1)) }
            }
            if dropAtEnd { throw CancellationError() }
        })
        return Response(status: .ok, headers: headers, body: body)
    }
}
