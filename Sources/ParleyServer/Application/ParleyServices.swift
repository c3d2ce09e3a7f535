import AsyncHTTPClient
import FluentKit
import Foundation
import Logging
import ParleyAccounts
import ParleyChat
import ParleyHandoff
import ParleyCore
import ParleyIngest
import ParleyJobs
import ParleyLeads
import ParleyLLM
import ParleyMail
import ParleyRetrieval
import ParleyStore
import ServiceLifecycle

/// The composition root's product: every long-lived dependency of the HTTP layer, built once
/// in `configure`. Database-backed stores are made per request (`stores(on:)`), so each request
/// uses its own event loop's connection pool.
public struct ParleyServices: Sendable {
    public let config: ParleyConfig
    public let secrets: ParleySecrets
    public let model: any ChatModel
    /// What chat turns search: the knowledge base, unless a test plugs in another retriever.
    public let retriever: any Retriever
    /// Every tenant's searchable chunks.
    public let knowledge: KnowledgeBase
    /// Where chunk vectors live (nil without embeddings).
    public let vectors: (any VectorStore)?
    /// Adds, replaces and deletes sources (database and indexes together).
    public let ingestion: IngestionService
    /// The durable job queue every process shares (through the database).
    public let jobs: JobQueue
    /// How far this process's indexes have followed other processes' chunk changes.
    public let knowledgeCursor = KnowledgeChangeCursor()
    /// Adds a source and queues its ingestion job (the API and `parley ingest`).
    public var sourceSubmission: SourceSubmission { SourceSubmission(ingestion: ingestion, jobs: jobs) }
    /// The configured embedder; nil with `embeddings.provider: none`.
    public let embedder: (any Embedder)?
    public let signer: StreamTokenSigner
    public let streams: StreamRegistry
    public let databaseKind: DatabaseSelection.Kind
    /// Which answerer runs and why (start-up log, `/health`).
    public let answerer: AnswererChoice
    /// Counts chat turns against `limits.*` (counters in memory or in the database).
    public let turnLimiter: TurnRateLimiter
    /// Caps the answers this process streams at once per tenant and client address.
    public let streamSlots: StreamSlots
    /// Turns started at the visitor's POST, waiting for their stream request (`chat.prepare_answers`).
    public let preparedTurns: PreparedTurns
    /// Caps visitors' live channels (long-lived) per tenant and client address in this process.
    public let channelSlots: StreamSlots
    /// This process's followers of conversations' live events (visitors' channels, consoles).
    public let localEvents = LocalSessionEventBus()
    /// Visitors' typing notices let through, per conversation (both channels share it).
    let typingThrottle = TypingThrottle()
    /// Names this process in the notices it sends other processes.
    public let processID = UUID()

    /// Where live events are published: this process's followers, and on PostgreSQL every
    /// other process's too (through `NOTIFY` on `database`).
    public func sessionEvents(on database: any Database) -> any SessionEventBus {
        databaseKind == .postgres ? PostgresSessionEventBus(local: localEvents, database: database, origin: processID) : localEvents
    }
    /// The live hand-over's store, paired with `sessionEvents`: on PostgreSQL it sends each stored
    /// event's notice in the statement that stores it, as this process's bus would.
    public func liveConversations(on database: any Database) -> SQLLiveConversations {
        SQLLiveConversations(database: database, notices: sessionEventNotices)
    }

    /// With PostgreSQL, a stored session event's NOTIFY goes in the statement that stores it.
    var sessionEventNotices: SessionEventNotices? {
        databaseKind == .postgres ? SessionEventNotices(origin: processID) : nil
    }
    /// Hashes admin passwords (scrypt, at most two at once in this process).
    public let passwordHasher = PasswordHasher()
    /// Failed admin sign-ins per client address in this process.
    public let loginThrottle = LoginThrottle()

    /// Signs and checks admin session tokens (keyed from the server secret).
    public let adminTokens: AdminSessionTokens
    /// The offline extractive answerer: the answerer when no model is configured, and the one a
    /// tenant over its monthly budget gets.
    public let offlineModel: ExtractiveAnswerer
    /// Mailgun's API when `email.provider` is `mailgun` (nil: e-mails stay in the outbox).
    public let mailgun: MailgunClient?
    /// Checks Mailgun's webhook signatures (nil without `MAILGUN_WEBHOOK_SIGNING_KEY`).
    public let mailgunWebhooks: MailgunWebhookVerifier?
    /// Posts tenants' CRM webhooks within `webhooks.*` (public addresses only by default).
    public let webhookPoster: WebhookPoster
    /// Seals webhook signing secrets under a key derived from the server secret.
    public let secretBox: SecretBox
    /// Each tenant's month-to-date LLM cost against its budget.
    public let spending: SpendingGuard
    /// Tenants and resolved agents as every chat request reads them (`chat.directory_cache_seconds`).
    public let directoryCache: DirectoryCache
    /// Each tenant's catalogue of products and services, for the lead rules.
    public let interestCatalogues: InterestCatalogues
    /// The application database once per event loop, for requests (`LoopDatabases`).
    let loopDatabases: LoopDatabases
    /// One for the process: it keeps the analyzed words of the passages it has scored against.
    let confidenceScorer = ConfidenceScorer()
    /// Each tenant's recent takeover waits, for the wait an escalation promises.
    let takeoverWaits = TakeoverWaits()

    /// The two read-through caches of the chat path's lookups.
    public struct DirectoryCache: Sendable {
        public let tenants: ReadThroughCache<CachedTenantDirectory.Lookup, Tenant>
        public let agents: ReadThroughCache<AgentKey, ResolvedAgent>

        public struct AgentKey: Hashable, Sendable {
            public var tenant: TenantID
            public var code: String
        }

        public init(lifetime: Duration) {
            tenants = ReadThroughCache(lifetime: lifetime)
            agents = ReadThroughCache(lifetime: lifetime)
        }
    }

    /// The tenant directory on one database handle, its lookups cached.
    public func tenantDirectory(on database: any Database) -> any TenantDirectory {
        CachedTenantDirectory(FluentTenantDirectory(database: database), cache: directoryCache.tenants)
    }

    /// Signed-in admin sessions on one database handle.
    public func adminSessions(on database: any Database) -> AdminSessions {
        AdminSessions(tokens: adminTokens, sessions: FluentAdminSessionStore(database: database),
                      accounts: FluentAccountStore(database: database), lifetime: .seconds(max(60, config.admin.sessionHours * 3600)))
    }

    /// Admin accounts on one database handle.
    public func accounts(on database: any Database) -> AccountDirectory {
        AccountDirectory(store: FluentAccountStore(database: database), hasher: passwordHasher, throttle: loginThrottle)
    }

    /// Repositories bound to one database handle.
    public struct Stores: Sendable {
        public let tenants: any TenantDirectory
        public let conversations: any ConversationStore
        public let personas: any PersonaStore
        public let agents: any AgentStore
        public let tickets: any StreamTicketStore
        public let llmLog: FluentLLMRequestLog
        /// A turn's answer with its LLM call records, written together.
        public let answers: any TurnAnswerStore
        public let escalations: any EscalationStore
        public let live: any LiveConversationStore
        /// Live events, published on the same database handle.
        public let events: any SessionEventBus
    }

    public func stores(on database: any Database) -> Stores {
        Stores(tenants: tenantDirectory(on: database),
               conversations: FluentConversationStore(database: database),
               personas: FluentPersonaStore(database: database),
               agents: FluentAgentStore(database: database),
               tickets: FluentStreamTicketStore(database: database),
               llmLog: FluentLLMRequestLog(database: database),
               answers: SQLTurnAnswerStore(database: database, notices: sessionEventNotices),
               escalations: SQLEscalations(database: database),
               live: liveConversations(on: database),
               events: sessionEvents(on: database))
    }

    public func agentResolver(_ stores: Stores) -> AgentResolver {
        AgentResolver(config: config, agents: stores.agents, personas: stores.personas)
    }

    /// A tenant's agents and personas as its owners edit them (admin API and panel).
    public func agentDesk(_ tenant: Tenant, _ stores: Stores) -> TenantAgentDesk {
        TenantAgentDesk(tenant: tenant, config: config, agents: stores.agents, personas: stores.personas)
    }

    public func turnRunner(_ stores: Stores, model: (any ChatModel)? = nil) -> ChatTurnRunner {
        ChatTurnRunner(conversations: stores.conversations, retriever: retriever, model: model ?? self.model, scorer: confidenceScorer,
                       escalation: TurnEscalation(store: stores.escalations, policies: { [tenants = stores.tenants, handoff = config.handoff] tenant in
                           HandoffPolicy(config: handoff, tenantSettings: (try? await tenants.tenant(id: tenant))?.settings ?? .object([:]))
                       }, handoff: { [live = stores.live, bus = stores.events, waits = takeoverWaits] tenant in
                           VisitorHandoff(tenant: tenant, store: live, bus: bus, waits: waits, logger: Logger(label: "parley.handoff"))
                       }), reviewer: model == nil ? answerReviewer : nil, answers: stores.answers)
    }

    /// The model's self-check of each answer (`handoff.self_check`), when a model answers.
    var answerReviewer: ModelAnswerReviewer? {
        guard answerer.kind == .model, config.handoff.selfCheck else { return nil }
        return ModelAnswerReviewer(model: model, modelName: config.llm.model) { [llm = config.llm] schema in
            llm.responseFormat(name: "answer_review", schema: schema)
        }
    }

    /// Every job kind this build runs, with its per-process cap.
    public func jobRegistry(on database: any Database) -> JobRegistry {
        var registry = JobRegistry()
        // Fetching runs beside other sources; embedding is one at a time anyway (EmbeddingGate).
        registry.register(IngestSourceJob(ingestion: ingestion), concurrency: config.jobs.concurrency)
        registry.register(HousekeepingJob(jobs: jobs.store,
                                          knowledge: ingestion.store, keepFinished: .seconds(config.jobs.keepFinishedDays * 86_400),
                                          rateCounters: try? SQLRateCounters(database: database),
                                          adminSessions: FluentAdminSessionStore(database: database)))
        registry.register(PeriodicJob(budgetWarnings(on: database)))
        registry.register(LeadExtractionJob(extraction: leadExtraction(on: database)), concurrency: config.jobs.concurrency)
        registry.register(SummaryJob(summaries: summaries(on: database)), concurrency: config.jobs.concurrency)
        registry.register(PeriodicJob(InactivitySweep(summaries: FluentSummaryStore(database: database), jobs: jobs,
                                                      inactivity: .seconds(max(1, config.chat.inactivityMinutes) * 60))))
        registry.register(WebhookDeliveryJob(store: FluentWebhookStore(database: database), poster: webhookPoster, secrets: secretBox),
                          concurrency: config.jobs.concurrency)
        if let mailgun {
            let store = FluentEmailOutbox(database: database)
            registry.register(EmailSendJob(delivery: EmailDelivery(store: store, mailgun: mailgun,
                                                                   eventLag: .milliseconds(Int64(max(0, config.email.mailgun.lostSendCheckSeconds) * 1000)))), concurrency: config.jobs.concurrency)
            registry.register(PeriodicJob(EmailSweep(store: store, jobs: jobs, maxAttempts: config.email.mailgun.maxAttempts)))
        }
        registerRetrievalJobs(in: &registry, on: database)
        if let ledger = jobs.store as? any JobEffectLedger {
            registry.register(ProbeJob(ledger: ledger), concurrency: config.jobs.concurrency)
        }
        return registry
    }

    /// Whether a model reads visitor messages for leads (besides the rules).
    public var readsLeadsWithModel: Bool {
        answerer.kind == .model && config.leads.extraction != .rules
    }

    /// Reads visitor messages into their conversation's lead profile: the rules, and the model
    /// when one is configured, `leads.extraction` allows it and the tenant's budget is not spent.
    public func leadExtraction(on database: any Database) -> LeadExtraction {
        let tenants = FluentTenantDirectory(database: database)
        let mode = config.leads.extraction
        let extractor: ModelLeadExtractor? = readsLeadsWithModel
            ? ModelLeadExtractor(model: model, modelName: config.llm.model) { [llm = config.llm] schema in llm.responseFormat(name: "lead", schema: schema) }
            : nil
        return LeadExtraction(conversations: FluentConversationStore(database: database), profiles: FluentLeadProfileStore(database: database),
                              catalogue: { [interestCatalogues] tenant in await interestCatalogues.catalogue(tenant: tenant) },
                              model: { [spending] tenantID in
                                  guard let extractor, let tenant = try? await tenants.tenant(id: tenantID),
                                        let state = try? await spending.state(of: tenant).0, state != .exhausted else { return nil }
                                  return extractor
                              },
                              usesRules: mode != .model, contextMessages: config.leads.contextMessages, onChange: leadChanges(on: database))
    }

    /// The widget's lead form: confirmed values into the lead, then the summary e-mail.
    public func leadCapture(on database: any Database) -> LeadCapture {
        LeadCapture(profiles: FluentLeadProfileStore(database: database), jobs: jobs, onChange: leadChanges(on: database))
    }

    /// Hands tenants' events to their CRM webhooks.
    public func webhookPublisher(on database: any Database) -> WebhookPublisher {
        WebhookPublisher(store: FluentWebhookStore(database: database), jobs: jobs, maxAttempts: config.webhooks.maxAttempts)
    }

    /// A tenant's webhook endpoints as its owners manage them.
    public func webhooks(of tenant: TenantID, on database: any Database) -> TenantWebhooks {
        TenantWebhooks(tenant: tenant, store: FluentWebhookStore(database: database), poster: webhookPoster, secrets: secretBox)
    }

    /// `lead.created` or `lead.updated` for every lead that changes.
    func leadChanges(on database: any Database) -> @Sendable (LeadChange) async -> Void {
        let publisher = webhookPublisher(on: database)
        return { change in
            await publisher.publish(change.created ? .leadCreated : .leadUpdated, tenant: change.tenant,
                                    data: ["conversation_id": .string(change.session.description), "lead": change.lead.jsonValue])
        }
    }

    /// The monthly 80% budget e-mails to tenants' owners.
    public func budgetWarnings(on database: any Database) -> BudgetWarnings {
        let log = FluentLLMRequestLog(database: database)
        return BudgetWarnings(tenants: FluentTenantDirectory(database: database), accounts: FluentAccountStore(database: database),
                              outbox: emailOutbox(on: database)) { tenant, since in try await log.cost(tenant: tenant, since: since) }
    }

    /// Where every feature's e-mail goes: kept in the outbox, or queued for Mailgun.
    public func emailOutbox(on database: any Database) -> EmailDispatch {
        EmailDispatch(outbox: FluentEmailOutbox(database: database), jobs: mailgun == nil ? nil : jobs, maxAttempts: config.email.mailgun.maxAttempts)
    }

    /// Conversation summaries and the lead e-mails that go with them. The model writes them when
    /// one is configured and the tenant's budget is not spent; otherwise the extractive summarizer.
    public func summaries(on database: any Database) -> ConversationSummaries {
        let tenants = FluentTenantDirectory(database: database)
        return ConversationSummaries(tenants: tenants, conversations: FluentConversationStore(database: database),
                                     profiles: FluentLeadProfileStore(database: database), summaries: FluentSummaryStore(database: database),
                                     outbox: emailOutbox(on: database), defaultRecipient: config.email.mockSalesRecipient,
                                     onSummary: { [publisher = webhookPublisher(on: database)] tenant, summary, lead in
                                         await publisher.publish(.summaryCreated, tenant: tenant, data: [
                                             "conversation_id": .string(summary.sessionID.description), "summary": summary.jsonValue,
                                             "lead": lead?.jsonValue ?? .null,
                                         ])
                                     }) {
            [answerer, model, spending, modelName = config.llm.model] tenant in
            guard answerer.kind == .model, try await spending.state(of: tenant).0 != .exhausted else { return ExtractiveSummarizer() }
            return ModelSummarizer(model: model, modelName: modelName)
        }
    }

    /// What every worker offers once per period: housekeeping, budget warnings, the inactivity
    /// summaries and, with Mailgun, the e-mail sweep.
    var recurringJobs: [RecurringJob] {
        [HousekeepingJob.recurring(), PeriodicJob<BudgetWarnings>.recurring, PeriodicJob<InactivitySweep>.recurring]
            + (mailgun == nil ? [] : [PeriodicJob<EmailSweep>.recurring]) + denseWeightRecurringJobs
    }

    /// A worker for this process: every job kind, the recurring jobs, settings from `jobs.*`.
    public func makeWorker(on database: any Database, registry: JobRegistry? = nil) -> JobWorker {
        let settings = config.jobs
        return JobWorker(store: jobs.store, registry: registry ?? jobRegistry(on: database), recurring: recurringJobs,
                         settings: JobWorkerSettings(concurrency: settings.concurrency, leaseDuration: .seconds(settings.leaseSeconds),
                                                     pollInterval: .milliseconds(settings.pollIntervalMs),
                                                     retry: RetryPolicy(maxRetries: 0, baseDelay: .seconds(settings.retryBaseSeconds),
                                                                        maxDelay: .seconds(settings.retryMaxSeconds)),
                                                     drainTimeout: .seconds(config.app.shutdownGraceSeconds)),
                         wake: jobs.wake)
    }

    /// What runs jobs in this process: the worker and, on PostgreSQL, the listener that wakes it
    /// when another process enqueues.
    public func jobServices(on database: any Database, registry: JobRegistry? = nil) throws -> [any Service] {
        let worker = makeWorker(on: database, registry: registry)
        guard databaseKind == .postgres, let url = secrets.databaseURL else { return [worker] }
        let wake = jobs.wake
        return [worker, try PostgresChannelListener.jobs(databaseURL: url, origin: wake.origin) { wake.signal() }]
    }

    /// What `parley serve` runs beside the HTTP server: the index follower, and its job worker
    /// (with the PostgreSQL listener) unless jobs run in `parley worker` processes only.
    public func servingServices(on database: any Database, runsJobs: Bool) throws -> [any Service] {
        (runsJobs ? try jobServices(on: database) : []) + [indexFollower(on: database)] + (try liveEventListener(on: database).map { [$0] } ?? [])
    }

    /// On PostgreSQL, hears the live events other processes publish and hands them to this
    /// process's followers (nil with SQLite: one process serves).
    public func liveEventListener(on database: any Database) throws -> PostgresChannelListener? {
        guard databaseKind == .postgres, let url = secrets.databaseURL else { return nil }
        let (local, origin, store) = (localEvents, processID, SQLLiveConversations(database: database))
        return try PostgresChannelListener(databaseURL: url, channel: PostgresSessionEventBus.channel, logger: Logger(label: "parley.handoff.listen")) { payload in
            await PostgresSessionEventBus.deliver(payload, to: local, origin: origin, store: store)
        }
    }

    public func provisioner(_ stores: Stores) -> TenantProvisioner {
        TenantProvisioner(config: config, tenants: stores.tenants, personas: stores.personas, agents: stores.agents)
    }
}
