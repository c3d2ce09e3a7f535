import Foundation
import NIOCore
import ParleyCore
import Vapor

/// Writes a conversation's events as `text/event-stream`: `id:` is the stored event's number
/// (absent for typing), which a client sends back as `Last-Event-ID` to resume; `event:` is
/// its kind and `data:` its JSON. A keep-alive comment goes out every `keepAlive`. The stream
/// ends when the client leaves or the events end (the server shutting down).
enum SessionEventStream {
    static func response(_ events: AsyncStream<SessionEvent>, holding slot: StreamSlot? = nil, keepAlive: Duration = .seconds(15),
                         frame: @escaping @Sendable (SessionEvent) -> String = { frame($0) }) -> Response {
        let body = Response.Body(managedAsyncStream: { writer in
            defer { withExtendedLifetime(slot) {} }
            try await SSEResponse.writeKeepingAlive(writer, every: keepAlive) {
                for await event in events {
                    try await writer.writeBuffer(ByteBuffer(string: frame(event)))
                }
            }
        })
        return Response(status: .ok, headers: SSEResponse.headers, body: body)
    }

    /// `extra` joins the event's data (the console's feed names each event's conversation).
    static func frame(_ event: SessionEvent, extra: [String: JSONValue] = [:]) -> String {
        let id = event.kind.isTransient ? "" : "id: \(event.sequence)\n"
        return id + SSEEncoding.frame(event: event.kind.rawValue, data: data(of: event, extra: extra))
    }

    /// The event's data as clients read it (on this stream and on the WebSocket): with `at`, its
    /// time, and `extra`.
    static func data(of event: SessionEvent, extra: [String: JSONValue] = [:]) -> JSONValue {
        guard case .object(var fields) = event.data else { return event.data }
        fields.merge(extra) { own, _ in own }
        fields["at"] = .string(ISO8601DateFormatter.string(from: event.createdAt, timeZone: .gmt, formatOptions: [.withInternetDateTime]))
        return .object(fields)
    }

    /// The number a client resumes after: `Last-Event-ID` (what a browser's EventSource sends),
    /// else `?after=`; 0 when neither is sent.
    static func resumePoint(_ request: Request) throws -> Int64 {
        guard let raw = request.headers.first(name: "Last-Event-ID") ?? request.query[String.self, at: "after"] else { return 0 }
        guard raw.count <= 19, let value = Int64(raw.trimmingCharacters(in: .whitespaces)), value >= 0 else {
            throw ParleyError.badRequest("invalid_event_id", "The last event id must be a whole number of at least 0.")
        }
        return value
    }
}
