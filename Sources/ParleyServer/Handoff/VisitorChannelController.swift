import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyHandoff
import Vapor

/// The visitor's live channel, for what the visitor did not ask for: `GET /a/{agent}/session/events`
/// streams the conversation's hand-over events (waiting for a person, a person joined, their
/// messages and typing, the person left) as server-sent events, resuming after `Last-Event-ID`;
/// `POST /a/{agent}/session/typing` tells the person holding the conversation that the visitor
/// is typing. Both name the conversation by its session key (`X-Parley-Session`), never in the URL.
struct VisitorChannelController: RouteCollection {

    func boot(routes: any RoutesBuilder) throws {
        let visitor = routes.grouped("a", ":agent", "session").grouped(CallerMiddleware(credential: .widget))
        visitor.get("events", use: events)
        visitor.on(.POST, "typing", body: .collect(maxSize: 1024), use: visitorTyping)
    }

    func events(_ request: Request) async throws -> Response {
        let context = try request.tenantContext
        let session = try await Self.session(request, context)
        let after = try SessionEventStream.resumePoint(request)
        let slot = try await context.channelSlot(clientAddress: ClientAddress.of(request))
        let feed = context.eventFeed.follow(tenant: context.tenant.id, session: session.id, after: after, audience: .visitor)
        return SessionEventStream.response(feed, holding: slot)
    }

    func visitorTyping(_ request: Request) async throws -> HTTPStatus {
        let context = try request.tenantContext
        await context.visitorTyping(in: try await Self.session(request, context), logger: request.logger)
        return .noContent
    }

    static func session(_ request: Request, _ context: TenantContext) async throws -> ChatSession {
        let agent = try context.requireAgent()
        guard let key = request.headers.first(name: ChatController.sessionHeader) else {
            throw ParleyError(code: "missing_session", message: "Send the session key in the X-Parley-Session header.", kind: .unauthenticated)
        }
        guard let session = try await context.conversations.session(key: key, agent: agent.code) else { throw VisitorConversations.unknownSession }
        return session
    }
}

/// Lets one typing notice per conversation through each `interval`; remembers at most `capacity`
/// conversations (the oldest are forgotten first), so no caller can grow it without bound.
actor TypingThrottle {
    private var lastNotice: [ParleyCore.SessionID: ContinuousClock.Instant] = [:]
    private let interval: Duration
    private let capacity: Int

    init(interval: Duration = .seconds(1), capacity: Int = 10_000) {
        self.interval = interval
        self.capacity = capacity
    }

    func admits(_ session: ParleyCore.SessionID, now: ContinuousClock.Instant = .now) -> Bool {
        if let last = lastNotice[session], now - last < interval { return false }
        if lastNotice.count >= capacity { lastNotice = lastNotice.filter { now - $0.value < interval } }
        if lastNotice.count >= capacity { return false }
        lastNotice[session] = now
        return true
    }
}
