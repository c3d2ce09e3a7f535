import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ParleyCore
import ParleyLLM
import ParleyServer
import ParleyTestSupport
import Testing

@Suite("Graceful shutdown")
struct GracefulShutdownTests {
    @Test func inFlightStreamFinishesDuringShutdown() async throws {
        let fake = try await FakeOpenAIServer.start()
        await fake.enqueue(.slowFirstToken(delay: .seconds(3), tokens: ["Still ", "here."]))
        let database = try await TestDatabase.make(.sqlite)
        let server = try await ParleyTestServer.start(database, secrets: ParleySecrets(llmAPIKey: "sk-test-key-123456")) {
            $0.llm.baseURL = fake.baseURL
            // Shutdown waits for the stream only as long as it takes; the room is for a machine busy
            // with the whole suite, where the three-second answer can take far longer to finish.
            $0.app.shutdownGraceSeconds = 30
        }
        let start = try await server.postChat(["message": "slow one"])
        let streamID = try #require(start.json["stream_id"]?.stringValue)

        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let reader = Task {
            var request = HTTPClientRequest(url: "\(server.baseURL)/a/sales/events/stream?stream_id=\(streamID)")
            request.method = .GET
            let response = try await client.execute(request, timeout: .seconds(20))
            let body = try await response.body.collect(upTo: 1 << 20)
            return String(buffer: body)
        }
        // Wait until the stream is in flight (the fake holds its first token for three seconds).
        var active = 0
        for _ in 0..<200 where active == 0 {
            try await Task.sleep(for: .milliseconds(10))
            active = await server.services.streams.count
        }
        #expect(active == 1)
        await server.stop()
        let text = try await reader.value
        try await client.shutdown()
        await fake.stop()
        await database.destroy()
        #expect(text.contains("event: done"))
        #expect(text.contains("here."))
    }
}
