import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Drives chat turns over HTTP the way the widget does: POST the message, then read the SSE
/// stream until `done`.
struct ChatBenchClient {
    let baseURL: String
    let agent: String
    private let client: HTTPClient

    /// `connections`: how many turns may run at once (one connection each).
    init(baseURL: String, agent: String, connections: Int = 8) {
        self.baseURL = baseURL
        self.agent = agent
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(8, connections)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    static let questions = [
        "What plans do you offer?", "How much does the team plan cost?", "Do you have a free trial?",
        "Can I cancel at any time?", "Which integrations are supported?", "hello",
        "How do I contact support?", "Is my data stored in Europe?",
    ]

    struct BenchError: Error, CustomStringConvertible {
        var description: String
    }

    /// One full turn; returns the session key to continue with.
    func turn(_ message: String, sessionKey: String?) async throws -> String {
        var post = HTTPClientRequest(url: "\(baseURL)/a/\(agent)/chat")
        post.method = .POST
        post.headers.add(name: "Content-Type", value: "application/json")
        var body: [String: String] = ["message": message]
        if let sessionKey { body["session_key"] = sessionKey }
        post.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        let started = try await client.execute(post, timeout: .seconds(30))
        let startBody = try await started.body.collect(upTo: 1 << 20)
        guard started.status == .created,
              let json = try JSONSerialization.jsonObject(with: Data(startBody.readableBytesView)) as? [String: Any],
              let streamID = json["stream_id"] as? String, let key = json["session_key"] as? String else {
            throw BenchError(description: "chat POST answered \(started.status.code)")
        }
        var get = HTTPClientRequest(url: "\(baseURL)/a/\(agent)/events/stream?stream_id=\(streamID)")
        get.headers.add(name: "Accept", value: "text/event-stream")
        let stream = try await client.execute(get, timeout: .seconds(60))
        guard stream.status == .ok else { throw BenchError(description: "stream GET answered \(stream.status.code)") }
        // Read to the end (the server closes the stream after `done`), so the connection is reused.
        var text = ""
        for try await chunk in stream.body { text += String(buffer: chunk) }
        if text.contains("event: error") { throw BenchError(description: "the turn ended with an error event") }
        guard text.contains("event: done") else { throw BenchError(description: "the stream ended without done") }
        return key
    }

    func shutdown() async throws {
        try await client.shutdown()
    }
}
