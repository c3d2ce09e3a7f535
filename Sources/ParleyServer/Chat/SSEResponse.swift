import Foundation
import NIOCore
import ParleyChat
import Vapor

/// Streams chat turn events as `text/event-stream`, with a keep-alive comment every
/// `keepAlive` so that proxies keep the connection open during a slow answer. When the visitor
/// disconnects, the next write fails, and the writer cancels the turn's events (and the turn).
enum SSEResponse {
    /// `slot` is held until the stream ends (or its body is dropped unstarted).
    /// `offersLeadForm` decides, from the finished answer, whether `done` carries `"lead_form": true`.
    static func make(events: TurnEvents, registry: StreamRegistry, holding slot: (any Sendable)? = nil,
                     keepAlive: Duration = .seconds(15), offersLeadForm: (@Sendable (ChatTurnResult) -> Bool)? = nil) -> Response {
        let body = Response.Body(managedAsyncStream: { writer in
            await registry.begin()
            defer {
                withExtendedLifetime(slot) {}
                Task { await registry.end() }
            }
            try await writeKeepingAlive(writer, every: keepAlive) {
                defer { events.cancel() }
                // What the turn produced while the last write was under way goes out in one write.
                while case let batch = await events.nextBatch(), !batch.isEmpty {
                    var frames = ""
                    for event in batch {
                        var leadForm = false
                        if case .done(let result) = event, let offersLeadForm { leadForm = offersLeadForm(result) }
                        frames += SSEEncoding.frame(event, leadForm: leadForm)
                    }
                    try await writer.writeBuffer(ByteBuffer(string: frames))
                }
            }
        })
        return Response(status: .ok, headers: Self.headers, body: body)
    }

    /// The headers of every event stream: not cached, not buffered by proxies.
    static var headers: HTTPHeaders {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/event-stream; charset=utf-8")
        headers.replaceOrAdd(name: .cacheControl, value: "no-cache, no-store")
        headers.replaceOrAdd(name: "X-Accel-Buffering", value: "no")
        return headers
    }

    /// Opens the stream, runs `produce` (which writes the events) and writes a keep-alive comment
    /// every `every` meanwhile; returns when `produce` does or a write fails (the client left).
    static func writeKeepingAlive(_ writer: any AsyncBodyStreamWriter, every keepAlive: Duration,
                                  produce: @escaping @Sendable () async throws -> Void) async throws {
        try await writer.writeBuffer(ByteBuffer(string: SSEEncoding.opening))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask(operation: produce)
            group.addTask {
                while true {
                    try await Task.sleep(for: keepAlive)
                    try await writer.writeBuffer(ByteBuffer(string: SSEEncoding.keepAlive))
                }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}
