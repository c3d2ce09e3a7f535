import Fluent
import Logging
import ParleyChat
import ParleyCore
import ParleyHandoff
import ParleyIngest
import ParleyJobs
import ParleyLeads
import ParleyLLM
import ParleyRetrieval
import ParleyStore
import Vapor

/// What a handler works with, resolved once per request by its route group's middleware
/// (`CallerMiddleware`): the tenant, the agent of `/a/{agent}/…` paths, and use cases already
/// bound to that tenant. Handlers take everything from here and never build a store, so none
/// can query without the tenant.
struct TenantContext: Sendable {
    let tenant: Tenant
    /// The agent of an `/a/{agent}/…` path (nil on other routes).
    let agent: ResolvedAgent?
    let services: ParleyServices
    private let database: any Database

    init(tenant: Tenant, agent: ResolvedAgent?, services: ParleyServices, database: any Database) {
        self.tenant = tenant
        self.agent = agent
        self.services = services
        self.database = database
    }

    var conversations: VisitorConversations {
        VisitorConversations(tenant: tenant, conversations: FluentConversationStore(database: database),
                             tickets: FluentStreamTicketStore(database: database), signer: services.signer,
                             streamTTLSeconds: services.config.chat.streamTTLSeconds)
    }

    var consent: ConsentDesk {
        ConsentDesk(tenant: tenant, defaults: services.config.consent, store: FluentConsentStore(database: database))
    }

    var agentDesk: TenantAgentDesk {
        services.agentDesk(tenant, services.stores(on: database))
    }

    var sources: TenantSources {
        TenantSources(tenant: tenant.id, submission: services.sourceSubmission)
    }

    /// Runs chat turns of this tenant (the turn's input names the tenant and agent): with the
    /// configured model, or once the tenant's monthly budget is spent the offline answerer (or,
    /// when the tenant set one, its own message, `budget.exhausted_message`).
    func turns(logger: Logger) async throws -> ChatTurnRunner {
        let (state, spent, budget) = try await services.spending.state(of: tenant)
        guard state == .exhausted else { return services.turnRunner(services.stores(on: database)) }
        logger.warning("monthly budget spent; answering offline", metadata: [
            "event": "budget_exhausted", "spent": "\(spent)", "budget": "\(budget.monthlyLimit)",
        ])
        let offline = budget.exhaustedMessage.map(services.offlineModel.answering) ?? services.offlineModel
        return services.turnRunner(services.stores(on: database), model: offline)
    }

    /// Starts answering `posted` now, before its stream request comes, when this process has
    /// room for one more prepared turn and a stream slot is free for this tenant and client: the
    /// turn holds that slot, so a caller who posts without streaming starts no more model work
    /// than one who streams. Otherwise (or when the budget cannot be read now) the stream request
    /// runs the turn as it would without preparing.
    func prepareTurn(for posted: VisitorConversations.Posted, agent: ResolvedAgent, clientAddress: String?, logger: Logger) async {
        let prepared = services.preparedTurns
        guard prepared.hasRoom,
              let slot = await StreamSlot.tryAcquire(services.streamSlots, tenant: tenant.id, address: clientAddress.map(ClientAddressKey.blockKey)),
              let runner = try? await turns(logger: logger) else { return }
        let gate = TurnGate()
        let input = ChatTurnRunner.Input(tenant: tenant.id, session: posted.session.id, question: posted.question, agent: agent, logger: logger,
                                         history: posted.history, gate: gate)
        let turn = PreparedTurn(events: runner.run(input), gate: gate, question: posted.question, holding: slot)
        if !prepared.keep(turn, tenant: tenant.id) { turn.abandon() }
    }

    /// Queues the reading of a visitor message into the conversation's lead (`leads.extract`).
    /// Without a model to read it, a message in which the rules find nothing (most of them) is
    /// not queued: the job would change nothing, and each one costs the turn a write and a run.
    /// A failure to queue is logged, never the visitor's problem: the answer goes on.
    func queueLeadExtraction(message: StoredMessage, logger: Logger) async {
        if !services.readsLeadsWithModel {
            let catalogue = await services.interestCatalogues.catalogue(tenant: tenant.id)
            guard !ContactExtractor(catalogue: catalogue).extract(from: message.content).isEmpty else { return }
        }
        do {
            _ = try await services.jobs.enqueue(LeadExtractionJob.self, .init(messageID: message.id), tenant: tenant.id)
        } catch {
            logger.warning("lead extraction not queued", metadata: ["event": "lead_queue_failed", "error_type": "\(type(of: error))"])
        }
    }

    /// The lead form's use case for this tenant's conversations.
    var leadCapture: LeadCapture {
        services.leadCapture(on: database)
    }

    /// The tenant's lead settings: recipients, the lead form.
    var leadSettings: LeadSettings {
        LeadSettings(tenantSettings: tenant.settings, defaultRecipient: services.config.email.mockSalesRecipient)
    }

    /// The chat turn rates for this tenant and the path's agent.
    var turnLimits: TurnRateLimits {
        TurnRateLimits(config: services.config.limits, tenantSettings: tenant.settings, agentVisitorPerMinute: agent?.visitorTurnsPerMinute)
    }

    /// Counts a chat turn against the limits, or throws `rate_limited` (before anything is written).
    func admitTurn(clientAddress: String?, sessionKey: String?) async throws {
        try await services.turnLimiter.admit(tenant: tenant.id, limits: turnLimits, clientAddress: clientAddress, sessionKey: sessionKey)
    }

    /// Counts a turn that started a new session toward that session's own rate.
    func countNewSession(sessionKey: String) async throws {
        try await services.turnLimiter.countNewSession(tenant: tenant.id, limits: turnLimits, sessionKey: sessionKey)
    }

    /// A stream slot for this tenant and client, or `rate_limited` when a cap is full.
    func streamSlot(clientAddress: String?) async throws -> StreamSlot {
        try await StreamSlot.acquire(services.streamSlots, tenant: tenant.id, address: clientAddress.map(ClientAddressKey.blockKey))
    }

    /// A live channel slot for this tenant and client, or `rate_limited` when a cap is full.
    func channelSlot(clientAddress: String?) async throws -> StreamSlot {
        try await StreamSlot.acquire(services.channelSlots, tenant: tenant.id, address: clientAddress.map(ClientAddressKey.blockKey))
    }

    /// The visitor's side of this tenant's hand-overs.
    func visitorHandoff(logger: Logger) -> VisitorHandoff {
        VisitorHandoff(tenant: tenant.id, store: services.liveConversations(on: database), bus: services.sessionEvents(on: database),
                       waits: services.takeoverWaits, logger: logger)
    }

    /// Tells the person holding `session` that the visitor is typing: only while one holds it, and
    /// at most once a second per conversation in this process (over HTTP and WebSocket alike).
    func visitorTyping(in session: ChatSession, logger: Logger) async {
        guard session.heldBy != nil, await services.typingThrottle.admits(session.id) else { return }
        await visitorHandoff(logger: logger).visitorTyping(session.id)
    }

    /// What `person` does in this tenant's conversations (the caller checked their role).
    func operatorDesk(person: OperatorIdentity) -> OperatorDesk {
        OperatorDesk(tenant: tenant.id, person: person, store: services.liveConversations(on: database), bus: services.sessionEvents(on: database))
    }

    /// Resumable event feeds of this tenant's conversations.
    var eventFeed: SessionEventFeed {
        SessionEventFeed(store: SQLLiveConversations(database: database), bus: services.localEvents)
    }

    /// Whether the conversation waits for a person, and the number of its latest event.
    func handoffState(of session: ParleyCore.SessionID) async throws -> (waiting: Bool, lastEvent: Int64) {
        let open = try await SQLEscalations(database: database).openEscalation(tenant: tenant.id, session: session)
        let last = try await SQLLiveConversations(database: database).lastSequence(tenant: tenant.id, session: session)
        return (open != nil && open?.holder == nil, last)
    }

    /// The path's agent; an internal failure if the route has none (a wiring mistake).
    func requireAgent() throws -> ResolvedAgent {
        guard let agent else { throw ParleyError.internalFailure("This route has no agent.") }
        return agent
    }

    /// Whether the agent catalogue has `code` (sources may be limited to one agent).
    func agentExists(code: String) async throws -> Bool {
        try await services.stores(on: database).agents.agent(code: code) != nil
    }

    /// The agent named `code`, if this tenant has it enabled.
    func agent(code: String) async throws -> ResolvedAgent {
        let key = ParleyServices.DirectoryCache.AgentKey(tenant: tenant.id, code: code)
        let resolved = try await services.directoryCache.agents.value(for: key) {
            try await services.agentResolver(services.stores(on: database)).resolve(tenant: tenant, code: code)
        }
        guard let resolved else { throw ParleyError.unknownAgent }
        return resolved
    }
}

extension Request {
    private struct TenantContextKey: StorageKey {
        typealias Value = TenantContext
    }

    /// The context `CallerMiddleware` resolved for this request.
    var tenantContext: TenantContext {
        get throws {
            guard let context = storage[TenantContextKey.self] else {
                throw ParleyError.internalFailure("The route has no caller middleware.")
            }
            return context
        }
    }

    func setTenantContext(_ context: TenantContext) {
        storage[TenantContextKey.self] = context
    }
}
