import Fluent
import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
import ParleyHandoff
import Vapor

/// The visitor-facing chat API under `/a/{agent}/…`:
/// `POST chat` stores the message and returns a signed, single-use `stream_id`;
/// `GET events/stream?stream_id=…` streams the answer as SSE; `GET history` lists the conversation.
/// While a person holds the conversation, `POST chat` stores the message for them and answers
/// `202` without a stream: their reply comes on the live channel (`VisitorChannelController`).
struct ChatController: RouteCollection {
    let maxBodyBytes: Int

    static let sessionHeader = "X-Parley-Session"

    func boot(routes: any RoutesBuilder) throws {
        let agent = routes.grouped("a", ":agent")
        let visitor = agent.grouped(CallerMiddleware(credential: .widget))
        visitor.on(.POST, "chat", body: .collect(maxSize: ByteCount(value: maxBodyBytes)), use: startTurn)
        visitor.getWithoutBody("history", use: history)
        agent.grouped(CallerMiddleware(credential: .streamToken)).getWithoutBody("events", "stream", use: stream)
    }

    // MARK: - POST /a/{agent}/chat

    func startTurn(_ request: Request) async throws -> Response {
        let context = try request.tenantContext
        let services = context.services
        let body = try ChatRequestValidator(config: services.config).validate(request)
        let agent = try context.requireAgent()
        let sessionKey = body.sessionKey ?? request.headers.first(name: Self.sessionHeader)
        let client = ClientAddress.of(request)
        try await context.admitTurn(clientAddress: client, sessionKey: sessionKey)
        try await context.consent.requireConsent(visitorHash: try? ConsentController.visitorHash(request))
        // `?stream=false`: the whole answer in this response, which takes a stream slot while it runs.
        let answersInBody = QueryParameter.value(of: "stream", in: request.url.query).map { ["false", "0", "no"].contains($0.lowercased()) } ?? false
        let slot = answersInBody ? try await context.streamSlot(clientAddress: client) : nil
        // A turn started at once (chat.prepare_answers) reads its history with the message.
        let prepares = !answersInBody && services.preparedTurns.capacity > 0
        let posted = try await context.conversations.post(body.message, sessionKey: sessionKey, agent: agent.code,
                                                          historyLimit: prepares ? agent.historyWindow : nil)
        request.logger[metadataKey: "session"] = .string(posted.session.id.description)
        if sessionKey == nil { try await context.countNewSession(sessionKey: posted.sessionKey) }
        if prepares, posted.session.heldBy == nil {
            await context.prepareTurn(for: posted, agent: agent, clientAddress: client, logger: request.logger)
        }
        await context.queueLeadExtraction(message: posted.question, logger: request.logger)
        if let person = posted.session.heldBy {
            // A person holds the conversation: the message goes to them, and the bot stays silent.
            try await context.visitorHandoff(logger: request.logger).visitorWrote(posted.question)
            let response = try await ChatHeldResponse(sessionKey: posted.sessionKey, person: .init(name: person.name)).encodeResponse(for: request)
            response.status = .accepted
            return response
        }

        if let slot {
            defer { withExtendedLifetime(slot) {} }
            let input = ChatTurnRunner.Input(tenant: context.tenant.id, session: posted.session.id, question: posted.question,
                                             agent: agent, logger: request.logger)
            switch await (try await context.turns(logger: request.logger)).complete(input) {
            case .done(let result):
                var answer = ChatAnswerResponse(sessionKey: posted.sessionKey, result: result)
                answer.leadForm = context.leadSettings.formEnabled && ContactIntent.callsForLeadForm(question: body.message, answer: result.content)
                return try await answer.encodeResponse(for: request)
            case .failed(let error, _):
                throw error
            default:
                throw ParleyError.internalFailure("The answer could not be produced.")
            }
        }
        let stream = context.conversations.issueStream(for: posted)
        let response = try await ChatStartResponse(streamID: stream.streamID, sessionKey: posted.sessionKey, expiresIn: stream.expiresIn)
            .encodeResponse(for: request)
        response.status = .created
        return response
    }

    // MARK: - GET /a/{agent}/events/stream

    func stream(_ request: Request) async throws -> Response {
        let context = try request.tenantContext
        let agent = try context.requireAgent()
        let claims = try StreamCredential.verified(request)
        if claims.tenantID == context.tenant.id,
           let prepared = context.services.preparedTurns.take(tenant: context.tenant.id, message: MessageID(claims.streamID.uuid)) {
            return try await stream(prepared, claims: claims, agent: agent, context: context, request: request)
        }
        // Before the stream id is redeemed: a visitor refused here can try the same id again.
        let slot = try await context.streamSlot(clientAddress: ClientAddress.of(request))
        let redeemed = try await context.conversations.redeem(claims, agent: agent.code,
                                                              sessionKey: request.headers.first(name: Self.sessionHeader),
                                                              historyLimit: agent.historyWindow)
        let session = redeemed.session, window = redeemed.window
        request.logger[metadataKey: "session"] = .string(session.description)
        if redeemed.heldBy != nil {
            // Taken over between the POST and this GET: the message goes to the person, as a POST
            // to a held conversation would have sent it, and the bot stays silent.
            try await context.visitorHandoff(logger: request.logger).visitorWrote(window.question)
            throw Self.heldByPerson
        }
        let question = window.question
        let input = ChatTurnRunner.Input(tenant: context.tenant.id, session: session, question: question, agent: agent, logger: request.logger,
                                         history: window.history, alreadyEscalated: redeemed.escalated)
        let events = try await context.turns(logger: request.logger).run(input)
        return SSEResponse.make(events: events, registry: context.services.streams, holding: slot,
                                offersLeadForm: Self.leadFormOffer(context, question: question))
    }

    /// Streams a turn the POST started: redeems its stream id (the turn's answer is stored only
    /// after that), or abandons the turn when the id is refused or a person took the
    /// conversation over meanwhile. The turn's stream slot, taken at the POST, is held until its
    /// stream ends.
    private func stream(_ prepared: PreparedTurn, claims: StreamTokenSigner.Claims, agent: ResolvedAgent, context: TenantContext,
                        request: Request) async throws -> Response {
        let ticket: StreamTicket
        do {
            ticket = try await context.conversations.redeemPrepared(claims, agent: agent.code, sessionKey: request.headers.first(name: Self.sessionHeader))
        } catch {
            prepared.abandon()
            throw error
        }
        request.logger[metadataKey: "session"] = .string(ticket.sessionID.description)
        if ticket.heldBy != nil {
            prepared.abandon()
            try await context.visitorHandoff(logger: request.logger).visitorWrote(prepared.question)
            throw Self.heldByPerson
        }
        prepared.gate.open(.redeemed(alreadyEscalated: ticket.escalated))
        return SSEResponse.make(events: prepared.events, registry: context.services.streams, holding: prepared.holding,
                                offersLeadForm: Self.leadFormOffer(context, question: prepared.question))
    }

    /// Whether `done` offers the lead form, decided from the finished answer (nil: the tenant has no form).
    private static func leadFormOffer(_ context: TenantContext, question: StoredMessage) -> (@Sendable (ChatTurnResult) -> Bool)? {
        guard context.leadSettings.formEnabled else { return nil }
        let asked = question.content
        return { result in ContactIntent.callsForLeadForm(question: asked, answer: result.content) }
    }

    static let heldByPerson = ParleyError(code: "held_by_person", message: "A person has taken over this conversation; their reply comes on the live channel.",
                                          kind: .conflict)

    // MARK: - GET /a/{agent}/history

    func history(_ request: Request) async throws -> HistoryResponse {
        let context = try request.tenantContext
        let agent = try context.requireAgent()
        guard let key = request.headers.first(name: Self.sessionHeader) else {
            throw ParleyError(code: "missing_session", message: "Send the session key in the X-Parley-Session header.", kind: .unauthenticated)
        }
        guard let session = try await context.conversations.session(key: key, agent: agent.code) else { throw VisitorConversations.unknownSession }
        let messages = try await context.conversations.history(of: session)
        let state = try await context.handoffState(of: session.id)
        return HistoryResponse(agent: agent.code, messages: messages.map(HistoryMessage.init), lastEventID: state.lastEvent,
                               person: session.heldBy.map { .init(name: $0.name) }, waiting: state.waiting)
    }
}
