import Fluent
import Foundation
import NIOHTTP1
import ParleyChat
import ParleyCore
import Vapor

/// The visitor-facing chat API under `/a/{agent}/…`:
/// `POST chat` stores the message and returns a signed, single-use `stream_id`;
/// `GET events/stream?stream_id=…` streams the answer as SSE; `GET history` lists the conversation.
struct ChatController: RouteCollection {
    let maxBodyBytes: Int

    static let sessionHeader = "X-Parley-Session"

    func boot(routes: any RoutesBuilder) throws {
        let agent = routes.grouped("a", ":agent")
        agent.on(.POST, "chat", body: .collect(maxSize: ByteCount(value: maxBodyBytes)), use: startTurn)
        agent.get("events", "stream", use: stream)
        agent.get("history", use: history)
    }

    // MARK: - POST /a/{agent}/chat

    func startTurn(_ request: Request) async throws -> Response {
        let services = request.application.parley
        let body = try ChatRequestValidator(config: services.config).validate(request)
        let stores = services.stores(on: request.db(.parley))
        let tenant = try await TenantResolver(request).resolve(request)
        let agent = try await services.agentResolver(stores).resolve(tenant: tenant, code: try request.agentCode())
        try await ConsentController.requireConsent(request, tenant: tenant)
        let sessionKey = body.sessionKey ?? request.headers.first(name: Self.sessionHeader)

        let visitorMessage = NewMessage(role: .human, content: body.message)
        let session: ChatSession
        let question: StoredMessage
        let key: String
        if let sessionKey {
            guard let existing = try await findSession(sessionKey, tenant: tenant, agent: agent.code, stores: stores) else {
                throw Self.unknownSession
            }
            session = existing
            question = try await stores.conversations.append(tenant: tenant.id, session: session.id, message: visitorMessage)
            key = sessionKey
        } else {
            key = KeyMaterial.randomKey(prefix: "ps_")
            (session, question) = try await stores.conversations.createSession(
                tenant: tenant.id, agentCode: agent.code, keyHash: KeyMaterial.hash(key), firstMessage: visitorMessage)
        }
        request.logger[metadataKey: "tenant"] = .string(tenant.slug)
        request.logger[metadataKey: "session"] = .string(session.id.description)

        if let flag = request.query[String.self, at: "stream"], ["false", "0", "no"].contains(flag.lowercased()) {
            let input = ChatTurnRunner.Input(tenant: tenant.id, session: session.id, question: question,
                                             agent: agent, logger: request.logger)
            switch await services.turnRunner(stores).complete(input) {
            case .done(let result):
                return try await ChatAnswerResponse(sessionKey: key, result: result).encodeResponse(for: request)
            case .failed(let error, _):
                throw error
            default:
                throw ParleyError.internalFailure("The answer could not be produced.")
            }
        }

        let ttl = services.config.chat.streamTTLSeconds
        let ticket = StreamTicket(id: StreamID(), tenantID: tenant.id, sessionID: session.id, messageID: question.id,
                                  agentCode: agent.code, expiresAt: Date().addingTimeInterval(TimeInterval(ttl)))
        try await stores.tickets.save(ticket)
        let token = services.signer.sign(.init(streamID: ticket.id, tenantID: tenant.id, sessionID: session.id,
                                               expiresAt: ticket.expiresAt))
        let response = try await ChatStartResponse(streamID: token, sessionKey: key, expiresIn: ttl).encodeResponse(for: request)
        response.status = .created
        return response
    }

    // MARK: - GET /a/{agent}/events/stream

    func stream(_ request: Request) async throws -> Response {
        let services = request.application.parley
        guard let token = request.query[String.self, at: "stream_id"], !token.isEmpty else {
            throw ParleyError.badRequest("missing_stream_id", "The stream_id query parameter is required.")
        }
        let claims: StreamTokenSigner.Claims
        do {
            claims = try services.signer.verify(token)
        } catch .expired {
            throw ParleyError(code: "stream_expired", message: "This stream id has expired. Send the message again.", kind: .expired)
        } catch {
            throw ParleyError.forbidden("This stream id is not valid.")
        }
        let stores = services.stores(on: request.db(.parley))
        guard let tenant = try await stores.tenants.tenant(id: claims.tenantID), tenant.isActive else {
            throw ParleyError.unknownTenant
        }
        try await TenantResolver(request).assertCompatible(request, with: tenant)
        if let sessionKey = request.headers.first(name: Self.sessionHeader) {
            let session = sessionKey.count <= 128
                ? try await stores.conversations.session(tenant: tenant.id, keyHash: KeyMaterial.hash(sessionKey)) : nil
            guard session?.id == claims.sessionID else {
                throw ParleyError.forbidden("This stream belongs to another conversation.")
            }
        }
        let code = try request.agentCode()
        let agent = try await services.agentResolver(stores).resolve(tenant: tenant, code: code)
        guard let ticket = try await stores.tickets.redeem(tenant: tenant.id, id: claims.streamID, now: Date()) else {
            throw ParleyError(code: "stream_used", message: "This stream id has already been used.", kind: .conflict)
        }
        guard ticket.sessionID == claims.sessionID, ticket.agentCode == code,
              let question = try await stores.conversations.message(tenant: tenant.id, id: ticket.messageID) else {
            throw ParleyError.forbidden("This stream id does not match this conversation.")
        }
        request.logger[metadataKey: "tenant"] = .string(tenant.slug)
        request.logger[metadataKey: "session"] = .string(ticket.sessionID.description)
        let input = ChatTurnRunner.Input(tenant: tenant.id, session: ticket.sessionID, question: question,
                                         agent: agent, logger: request.logger)
        return SSEResponse.make(events: services.turnRunner(stores).run(input), registry: services.streams)
    }

    // MARK: - GET /a/{agent}/history

    func history(_ request: Request) async throws -> HistoryResponse {
        let services = request.application.parley
        let stores = services.stores(on: request.db(.parley))
        let tenant = try await TenantResolver(request).resolve(request)
        let code = try request.agentCode()
        _ = try await services.agentResolver(stores).resolve(tenant: tenant, code: code)
        guard let key = request.headers.first(name: Self.sessionHeader) else {
            throw ParleyError(code: "missing_session", message: "Send the session key in the X-Parley-Session header.", kind: .unauthenticated)
        }
        guard let session = try await findSession(key, tenant: tenant, agent: code, stores: stores) else {
            throw Self.unknownSession
        }
        let messages = try await stores.conversations.history(tenant: tenant.id, session: session.id, limit: 500)
        return HistoryResponse(agent: code, messages: messages.filter { $0.role != .system }.map(HistoryMessage.init))
    }

    // MARK: - Helpers

    private func findSession(_ key: String, tenant: Tenant, agent: String, stores: ParleyServices.Stores) async throws -> ChatSession? {
        guard key.count <= 128 else { return nil }
        let session = try await stores.conversations.session(tenant: tenant.id, keyHash: KeyMaterial.hash(key))
        return session?.agentCode == agent ? session : nil
    }

    static let unknownSession = ParleyError.notFound("unknown_session", "This conversation does not exist. Start a new one without a session key.")
}
