import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ParleyCore

/// One HTTP exchange under one deadline over head and body (AsyncHTTPClient's own deadline
/// ends with the head: DESIGN.md, pitfalls), reading at most `maxBytes` of the answer, with the
/// answer's `Retry-After` (seconds or an HTTP-date, bounded to an hour).
enum BoundedExchange {
    struct Answer: Sendable {
        var status: Int
        var body: ByteBuffer
        var retryAfter: Duration?
    }

    static func run(_ client: HTTPClient, _ request: HTTPClientRequest, timeout: Duration, maxBytes: Int) async throws -> Answer {
        try await withDeadline(timeout) {
            let response = try await client.execute(request, deadline: .now() + .seconds(Int64(timeout.seconds.rounded(.up))))
            var body = ByteBuffer()
            for try await var chunk in response.body {
                let room = maxBytes - body.readableBytes
                if room <= 0 { break }
                if chunk.readableBytes > room { chunk = chunk.getSlice(at: chunk.readerIndex, length: room) ?? chunk }
                body.writeBuffer(&chunk)
            }
            let retryAfter = RetryAfter.parse(response.headers.first(name: "Retry-After")).map { min($0, .seconds(3600)) }
            return Answer(status: Int(response.status.code), body: body, retryAfter: retryAfter)
        }
    }
}
