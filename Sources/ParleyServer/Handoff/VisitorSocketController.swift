import Foundation
import NIOCore
import NIOWebSocket
import ParleyChat
import ParleyCore
import ParleyHandoff
import Vapor

/// `GET /a/{agent}/ws`: the visitor's live channel as a WebSocket, for clients that prefer one.
/// It carries the same events as `GET /a/{agent}/session/events`, as JSON text frames
/// `{"id", "event", "data"}` (`id` null for typing). A browser cannot put headers on a WebSocket,
/// so the site comes as the pages' `?site=` (its public widget key) and the session key in the
/// first frame, never in the URL: `{"type": "follow", "session_key": "ps_…", "after": 12}`, within
/// `firstFrameTimeout`. Then `{"type": "typing"}` tells the person holding the conversation that
/// the visitor is typing. A frame the server cannot take gets `{"type": "error", "code", "message"}`
/// and the socket is closed. Frames are at most 4 KB.
struct VisitorSocketController: RouteCollection {
    var firstFrameTimeout: Duration = .seconds(10)

    static let maxFrameBytes = 4096

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("a", ":agent").grouped(UpgradeOnly(), CallerMiddleware(credential: .page))
            .webSocket("ws", maxFrameSize: WebSocketMaxFrameSize(integerLiteral: Self.maxFrameBytes), shouldUpgrade: { request in
                // A place among the tenant's and the address's channels, held while the socket is open.
                request.eventLoop.makeFutureWithTask {
                    let context = try request.tenantContext
                    guard let slot = try? await context.channelSlot(clientAddress: ClientAddress.of(request)) else { return nil }
                    request.storage[SlotKey.self] = slot
                    return [:]
                }
            }, onUpgrade: { request, socket in
                // Called on the socket's event loop, where its callbacks must be set.
                let (frames, incoming) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(16))
                socket.onText { _, text in incoming.yield(text) }
                socket.onClose.whenComplete { _ in incoming.finish() }
                let slot = request.storage[SlotKey.self]
                Task { await serve(request, socket, frames: frames, incoming: incoming, holding: slot) }
            })
    }

    /// A plain GET (no `Upgrade: websocket`) gets a clear 400 instead of Vapor's bare 101.
    struct UpgradeOnly: AsyncMiddleware {
        func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
            guard request.headers[.upgrade].contains(where: { $0.lowercased().contains("websocket") }) else {
                throw ParleyError.badRequest("websocket_required", "Open this address as a WebSocket, or follow GET /a/{agent}/session/events.")
            }
            return try await next.respond(to: request)
        }
    }

    struct SlotKey: StorageKey {
        typealias Value = StreamSlot
    }

    /// What the client sends.
    struct ClientFrame: Decodable {
        var type: String
        var sessionKey: String?
        var after: Int64?

        enum CodingKeys: String, CodingKey {
            case type, after
            case sessionKey = "session_key"
        }
    }

    private func serve(_ request: Request, _ socket: WebSocket, frames: AsyncStream<String>, incoming: AsyncStream<String>.Continuation,
                       holding slot: StreamSlot?) async {
        defer { withExtendedLifetime(slot) {} }
        do {
            let context = try request.tenantContext
            var reading = frames.makeAsyncIterator()
            // No first frame in time ends the frames, and with them the socket.
            let timer = Task { [firstFrameTimeout] in
                try await Task.sleep(for: firstFrameTimeout)
                incoming.finish()
            }
            let first = await reading.next()
            timer.cancel()
            guard let first else {
                throw ParleyError.badRequest("no_follow_frame", "Send the follow frame within \(firstFrameTimeout.components.seconds) seconds.")
            }
            guard let follow = Self.decode(first), follow.type == "follow", let key = follow.sessionKey else {
                throw ParleyError.badRequest("invalid_frame", "Send {\"type\": \"follow\", \"session_key\": …} first.")
            }
            guard (follow.after ?? 0) >= 0 else { throw ParleyError.badRequest("invalid_event_id", "after must be a whole number of at least 0.") }
            guard let session = try await context.conversations.session(key: key, agent: try context.requireAgent().code) else {
                throw VisitorConversations.unknownSession
            }
            let feed = context.eventFeed.follow(tenant: context.tenant.id, session: session.id, after: follow.after ?? 0, audience: .visitor)
            let sending = Task {
                for await event in feed {
                    try await socket.send(Self.frame(event))
                }
                try? await socket.close(code: .goingAway)
            }
            while let text = await reading.next() {
                guard let frame = Self.decode(text), frame.type == "typing" else {
                    throw ParleyError.badRequest("invalid_frame", "Only {\"type\": \"typing\"} may follow the first frame.")
                }
                // The session is read again: whether a person holds it now.
                if let current = try await context.conversations.session(key: key, agent: session.agentCode) {
                    await context.visitorTyping(in: current, logger: request.logger)
                }
            }
            sending.cancel()
        } catch {
            let problem = (error as? ParleyError) ?? ParleyError.internalFailure("The channel failed.")
            try? await socket.send(JSONValue.object(["type": "error", "code": .string(problem.code), "message": .string(problem.message)]).jsonString)
            try? await socket.close(code: .policyViolation)
        }
    }

    static func decode(_ text: String) -> ClientFrame? {
        guard text.utf8.count <= maxFrameBytes else { return nil }
        return try? JSONDecoder().decode(ClientFrame.self, from: Data(text.utf8))
    }

    /// The event as the socket carries it: what the SSE channel sends as `id:`, `event:` and `data:`.
    static func frame(_ event: SessionEvent) -> String {
        let id: JSONValue = event.kind.isTransient ? .null : .number(Double(event.sequence))
        return JSONValue.object(["id": id, "event": .string(event.kind.rawValue), "data": SessionEventStream.data(of: event)]).jsonString
    }
}
