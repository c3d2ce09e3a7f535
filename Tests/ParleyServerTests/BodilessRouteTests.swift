import Foundation
import NIOHTTP1
import ParleyCore
import ParleyLLM
import ParleyTestSupport
import Testing

/// The visitor's GET routes skip Vapor's body collection when a request has no body, and still
/// collect, within the size limit, a body that a request announces.
@Suite("Routes without a body")
struct BodilessRouteTests {
    @Test func aBodyOnTheStreamOrHistoryIsBoundedAndAStreamIdRefusedSoStaysUsable() async throws {
        try await ParleyTestServer.with(.sqlite) { server in
            let start = try await server.postChat(["message": "What does delivery cost?"])
            let streamID = try #require(start.json["stream_id"]?.stringValue)
            let key = try #require(start.json["session_key"]?.stringValue)
            let stream = "/a/sales/events/stream?stream_id=\(streamID)"

            // Over the body limit (64 KB): refused before the handler, so the id is not redeemed.
            let oversized = Data(repeating: 0x61, count: 100_000)
            let refused = try await server.send(.GET, stream, body: oversized, contentType: "text/plain")
            #expect(refused.status == 413 && refused.errorCode == "payload_too_large")
            let history = try await server.send(.GET, "/a/sales/history", headers: [("X-Parley-Session", key)], body: oversized)
            #expect(history.status == 413 && history.errorCode == "payload_too_large")

            // A small body is read and ignored, as before; without one the stream goes on as usual.
            let small = try await server.send(.GET, "/a/sales/history", headers: [("X-Parley-Session", key)], body: Data("{}".utf8))
            #expect(small.status == 200 && small.json["messages"]?.arrayValue?.count == 1)
            let streamed = try await server.streamEvents(streamID)
            #expect(streamed.status == 200)
            #expect(streamed.events.last?.event == "done")
            #expect(try await server.streamEvents(streamID).status == 409, "the stream id is single-use")
        }
    }
}
