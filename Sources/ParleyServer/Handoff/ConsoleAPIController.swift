import Fluent
import Foundation
import ParleyAccounts
import ParleyCore
import ParleyHandoff
import ParleyStore
import Vapor

/// The operator console's own API, under `/admin/t/{slug}/console/api/` with the panel's cookie:
/// viewers read the inbox (`state`), a transcript (`sessions/{id}`) and the tenant's live events
/// (`events`, server-sent); operators take a conversation over, reply, write notes, assign, show
/// they are typing, hand it back or close it (POST, form-encoded with the panel's `_csrf`).
/// Errors are JSON: the console is a script.
struct ConsoleAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("admin", "t", ":slug", "console", "api").grouped(PanelAuthMiddleware(answersJSON: true))
        let viewer = api.grouped(AdminTenantMiddleware(needs: .viewer))
        viewer.get("state", use: state)
        viewer.get("events", use: events)
        viewer.get("sessions", ":session", use: transcript)
        let acting = api.grouped(AdminTenantMiddleware(needs: .operator)).grouped("sessions", ":session")
        for (path, action) in [("take", Action.take), ("hand-back", .handBack), ("close", .close), ("typing", .typing)] {
            acting.on(.POST, "\(path)", body: .collect(maxSize: PanelRoutes.formBytes)) { request in try await act(request, action) }
        }
        acting.on(.POST, "reply", body: .collect(maxSize: PanelRoutes.formBytes)) { request in try await act(request, .reply) }
        acting.on(.POST, "note", body: .collect(maxSize: PanelRoutes.formBytes)) { request in try await act(request, .note) }
        acting.on(.POST, "assign", body: .collect(maxSize: PanelRoutes.formBytes)) { request in try await act(request, .assign) }
    }

    enum Action { case take, reply, note, assign, typing, handBack, close }

    struct TextForm: Decodable { var text: String }
    struct AssignForm: Decodable { var operatorID: String

        enum CodingKeys: String, CodingKey { case operatorID = "operator_id" }
    }

    func act(_ request: Request, _ action: Action) async throws -> Response {
        let context = try request.tenantContext
        let person = try Self.person(request)
        let session = try Self.sessionID(request)
        let desk = context.operatorDesk(person: person)
        var record = HandoffRecord(events: [])
        switch action {
        case .take: try PanelForm.requireToken(request); record = try await desk.takeOver(session)
        case .handBack: try PanelForm.requireToken(request); record = try await desk.handBack(session)
        case .close: try PanelForm.requireToken(request); record = try await desk.close(session)
        case .typing:
            try PanelForm.requireToken(request)
            try await Self.requireConversation(session, context, request)
            await desk.typing(session)
        case .reply: record = try await desk.reply(session, text: try PanelForm.decode(TextForm.self, request).text)
        case .note: record = try await desk.note(session, text: try PanelForm.decode(TextForm.self, request).text)
        case .assign:
            let form = try PanelForm.decode(AssignForm.self, request)
            record = try await desk.assign(session, to: try await Self.colleague(form.operatorID, context, request))
        }
        return try await ConsoleDTO.Outcome(events: record.events.map(ConsoleDTO.Event.init), messageID: record.message?.id.description)
            .encodeResponse(for: request)
    }

    func state(_ request: Request) async throws -> ConsoleDTO.State {
        let context = try request.tenantContext
        let (_, role) = try await request.adminTenant(needs: .viewer)
        let stores = request.application.parley.stores(on: request.db(.parley))
        let waiting = try await stores.escalations.openEscalations(tenant: context.tenant.id, limit: 200)
        let escalated = Set(waiting.map(\.sessionID))
        let live = try await SQLConversationReview(database: request.db(.parley))
            .conversations(tenant: context.tenant.id, filter: ConversationFilter(activeSince: Date().addingTimeInterval(-30 * 60)), after: nil, limit: 50)
            .filter { !escalated.contains($0.session.id) }
        return ConsoleDTO.State(me: ConsoleDTO.Person(try Self.person(request)), canAct: role.includes(.operator),
                                escalations: waiting.map(ConsoleDTO.Escalation.init), live: live.map(ConsoleDTO.Live.init),
                                operators: try await Self.operators(context, request).map(ConsoleDTO.Person.init))
    }

    func transcript(_ request: Request) async throws -> ConsoleDTO.Transcript {
        let context = try request.tenantContext
        let session = try Self.sessionID(request)
        try await Self.requireConversation(session, context, request)
        let stores = request.application.parley.stores(on: request.db(.parley))
        let messages = try await stores.conversations.history(tenant: context.tenant.id, session: session, limit: 1000)
        let open = try await stores.escalations.openEscalation(tenant: context.tenant.id, session: session)
        return ConsoleDTO.Transcript(session: session.description, messages: messages.filter { $0.role != .system }.map(ConsoleDTO.Line.init),
                                     escalation: open.map(ConsoleDTO.Escalation.init),
                                     lastEventID: try await stores.live.lastSequence(tenant: context.tenant.id, session: session))
    }

    /// Every event of the tenant's conversations from now on: the console reads `state` (and an
    /// open transcript) again whenever it (re)connects, so these need no resuming.
    func events(_ request: Request) async throws -> Response {
        let context = try request.tenantContext
        let slot = try await context.channelSlot(clientAddress: ClientAddress.of(request))
        let events = await request.application.parley.localEvents.subscribe(tenant: context.tenant.id, session: nil)
        return SessionEventStream.response(events, holding: slot) { event in
            SessionEventStream.frame(event, extra: ["session": .string(event.sessionID.description)])
        }
    }

    static func person(_ request: Request) throws -> OperatorIdentity {
        identity(of: try request.adminPrincipal.user)
    }

    /// An admin user as visitors and colleagues see them: their display name, else their address.
    static func identity(of user: AdminUser) -> OperatorIdentity {
        OperatorIdentity(id: user.id, name: user.displayName.isEmpty ? user.email : user.displayName)
    }

    /// The tenant's active operators and owners: who conversations can be assigned to.
    static func operators(_ context: TenantContext, _ request: Request) async throws -> [OperatorIdentity] {
        try await FluentAccountStore(database: request.db(.parley)).members(of: context.tenant.id)
            .filter { $0.role.includes(.operator) && $0.user.isActive }
            .map { identity(of: $0.user) }
    }

    static func sessionID(_ request: Request) throws -> ParleyCore.SessionID {
        guard let id = request.parameters.get("session").flatMap(ParleyCore.SessionID.init(string:)) else { throw unknownConversation }
        return id
    }

    static func requireConversation(_ session: ParleyCore.SessionID, _ context: TenantContext, _ request: Request) async throws {
        guard try await request.application.parley.stores(on: request.db(.parley)).conversations.session(tenant: context.tenant.id, id: session) != nil
        else { throw unknownConversation }
    }

    /// An active operator (or owner) of this tenant, by id.
    static func colleague(_ raw: String, _ context: TenantContext, _ request: Request) async throws -> OperatorIdentity {
        guard let id = AdminUserID(string: raw), let colleague = try await operators(context, request).first(where: { $0.id == id })
        else { throw ParleyError.notFound("unknown_operator", "No operator of this tenant has that id.") }
        return colleague
    }

    static let unknownConversation = ParleyError.notFound("unknown_conversation", "No conversation has that id.")
}
