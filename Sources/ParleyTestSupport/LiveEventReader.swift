import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ParleyLLM

/// Follows a long-lived `text/event-stream` response as it arrives, for the live channel tests:
/// `next()` waits for the next event (with a deadline), `close()` hangs up.
public final class LiveEventReader: Sendable {
    public let status: Int
    private let reading: Task<Void, Never>
    private let mailbox: Mailbox

    /// What arrived and not yet taken, and whether the stream has ended.
    private actor Mailbox {
        var waiting: [ServerSentEvent] = []
        var ended = false

        func add(_ events: [ServerSentEvent]) { waiting += events }
        func end() { ended = true }

        /// The oldest waiting event; nil with `ended` true when there will be none.
        func take() -> (ServerSentEvent?, ended: Bool) {
            waiting.isEmpty ? (nil, ended) : (waiting.removeFirst(), false)
        }
    }

    /// Opens `url` with `headers`; a non-200 answer gives a reader with that status and no events.
    public static func open(_ client: HTTPClient, _ url: String, headers: [(String, String)]) async throws -> LiveEventReader {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "text/event-stream")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await client.execute(request, timeout: .seconds(300))
        let mailbox = Mailbox()
        let reading = Task {
            var parser = SSEParser()
            do {
                for try await chunk in response.body {
                    await mailbox.add(try parser.feed(Array(chunk.readableBytesView)))
                }
            } catch {}
            await mailbox.end()
        }
        return LiveEventReader(status: Int(response.status.code), reading: reading, mailbox: mailbox)
    }

    private init(status: Int, reading: Task<Void, Never>, mailbox: Mailbox) {
        self.status = status
        self.reading = reading
        self.mailbox = mailbox
    }

    public struct Timeout: Error, CustomStringConvertible {
        public var description: String { "no event arrived in time" }
    }

    /// The next event, or `Timeout` after `seconds`; nil when the stream ended.
    public func next(within seconds: Double = 10) async throws -> ServerSentEvent? {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        while true {
            let (event, ended) = await mailbox.take()
            if let event { return event }
            if ended { return nil }
            guard ContinuousClock.now < deadline else { throw Timeout() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// The next event that is not one of `skipping` (typing notices, by default).
    public func nextEvent(skipping: Set<String> = ["typing"], within seconds: Double = 10) async throws -> ServerSentEvent? {
        while let event = try await next(within: seconds) {
            if !skipping.contains(event.event) { return event }
        }
        return nil
    }

    public func close() {
        reading.cancel()
    }

    deinit { reading.cancel() }
}
