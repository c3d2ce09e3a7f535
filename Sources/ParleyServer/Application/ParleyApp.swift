import ParleyAccounts
import AsyncHTTPClient
import Fluent
import Foundation
import ParleyChat
import ParleyCore
import ParleyLeads
import ParleyIngest
import ParleyJobs
import ParleyLLM
import ParleyRetrieval
import ParleyStore
import Vapor

/// Builds the Parley application. Production (`parley serve`), the CLI's other commands,
/// the tests and the benchmarks all call this one function.
public enum ParleyApp {
    public static func configure(_ app: Application, settings: ServerSettings) async throws {
        PrometheusExport.start()
        let config = settings.config
        configureHTTP(app, config: config)
        try configureDatabase(app, settings: settings)
        if config.app.autoMigrate {
            try await app.autoMigrate()
        }
        let databaseKind = DatabaseSelection.kind(secrets: settings.secrets)
        try await DatabaseSelection.prepare(app.db(.parley), kind: databaseKind, synchronous: config.database.sqliteSynchronous)
        if databaseKind == .sqlite {
            let checkpointer = try await SQLiteCheckpointer.start(path: config.database.sqlitePath, threadPool: app.threadPool,
                                                                  eventLoop: app.eventLoopGroup.any(), logger: app.logger)
            app.lifecycle.use(SQLiteCheckpointing(checkpointer: checkpointer))
        }
        let services = try await makeServices(app, settings: settings)
        app.parley = services
        if settings.seeds { try await seed(app, services: services) }
        if settings.loadsKnowledge { try await loadKnowledge(app, services: services) }
        try registerRoutes(app, services: services)
    }

    static func configureDatabase(_ app: Application, settings: ServerSettings) throws {
        // SQLite statements block a thread of this pool, and sqlite-nio's busy handler spins
        // while another connection holds the write lock. On the process-wide two-thread
        // singleton, two spinning statements (of this app or of another app in the same process,
        // as in the tests) starved the transaction they waited for: a deadlock at 200% CPU.
        // An app-owned pool with more threads than the app has connections cannot starve it.
        app.threadPool = NIOThreadPool(numberOfThreads: max(4, System.coreCount * 2))
        let factory = try DatabaseSelection.factory(config: settings.config, secrets: settings.secrets)
        app.databases.use(factory, as: .parley, isDefault: true)
        app.migrations.add(ParleyMigrations.all, to: .parley)
    }

    static func makeServices(_ app: Application, settings: ServerSettings) async throws -> ParleyServices {
        let config = settings.config
        if let key = settings.secrets.adminAPIKey, key.count < 32 {
            throw ConfigError("PARLEY_ADMIN_API_KEY must be at least 32 characters (it acts as a platform administrator)")
        }
        if let token = settings.secrets.metricsToken, token.count < 16 {
            throw ConfigError("PARLEY_METRICS_TOKEN must be at least 16 characters")
        }
        let redactor = Redactor(knownSecrets: [settings.secrets.llmAPIKey, settings.secrets.adminAPIKey, settings.secrets.mailgunAPIKey].compactMap { $0 },
                                personalData: false)
        let mailgun = try EmailSelection.mailgun(config: config, secrets: settings.secrets, client: app.http.client.shared)
        let mailgunWebhooks = try EmailSelection.webhookVerifier(config: config, secrets: settings.secrets)
        let recorder = PricingRecorder(prices: PriceTable(config.llm.prices),
                                       log: FluentLLMRequestLog(database: app.db(.parley)), redactor: redactor)
        let answerer = AnswererChoice.choose(config.llm, secrets: settings.secrets)
        app.logger.notice("answerer selected", metadata: ["event": "answerer_selected", "answerer": "\(answerer.kind.rawValue)",
                                                          "provider": "\(answerer.provider)", "model": "\(answerer.kind == .model ? config.llm.model : "-")",
                                                          "reason": "\(answerer.reason)"])
        let offline = ExtractiveAnswerer(recorder: recorder, wordDelay: .milliseconds(max(0, config.llm.offlineWordDelayMs)))
        let model: any ChatModel
        if answerer.kind == .model {
            model = OpenAICompatibleModel(
                settings: .init(provider: answerer.provider, baseURL: answerer.baseURL, apiKey: answerer.apiKey,
                                firstTokenTimeout: .milliseconds(Int64(config.llm.firstTokenTimeoutSeconds * 1000)),
                                overallTimeout: .milliseconds(Int64(config.llm.timeoutSeconds * 1000)),
                                retry: RetryPolicy(maxRetries: config.llm.maxRetries,
                                                   baseDelay: .milliseconds(config.llm.retryBaseDelayMs))),
                httpClient: app.http.client.shared, recorder: recorder)
        } else {
            model = offline
        }
        let secret = try ServerSecret.resolve(secrets: settings.secrets, dataDir: config.app.dataDir)
        let embedder = settings.usesEmbeddings
            ? try settings.embedder ?? EmbedderSelection.make(config: config, secrets: settings.secrets, client: app.http.client.shared)
            : nil
        let vectors = try await VectorStoreSelection.make(config: config, secrets: settings.secrets, embedder: embedder,
                                                          database: app.db(.parley), client: app.http.client.shared)
        let knowledge = KnowledgeBase(embedder: embedder, vectors: vectors, settings: KnowledgeSettings.make(config))
        let counters = try rateCounters(config, secrets: settings.secrets, database: app.db(.parley))
        let ingestion = try KnowledgeSettings.ingestion(config, knowledge: knowledge, database: app.db(.parley), counters: counters)
        return ParleyServices(config: config, secrets: settings.secrets, model: model,
                              retriever: settings.retriever ?? knowledge,
                              knowledge: knowledge, vectors: embedder == nil ? nil : vectors, ingestion: ingestion,
                              jobs: JobQueue(store: try SQLJobStore(database: app.db(.parley)), defaultMaxAttempts: config.jobs.maxAttempts),
                              embedder: embedder,
                              signer: StreamTokenSigner(secret: secret), streams: StreamRegistry(),
                              databaseKind: DatabaseSelection.kind(secrets: settings.secrets),
                              answerer: answerer,
                              turnLimiter: TurnRateLimiter(store: counters, secret: secret, clock: settings.clock),
                              streamSlots: StreamSlots(perTenant: config.limits.streamsPerTenant, perAddress: config.limits.streamsPerIP),
                              preparedTurns: PreparedTurns(capacity: config.chat.prepareAnswers.prepares(onPostgreSQL: DatabaseSelection.kind(secrets: settings.secrets) == .postgres)
                                                                ? ParleyConfig.ChatSection.preparedTurnsPerProcess : 0,
                                                           lifetime: .seconds(config.chat.streamTTLSeconds)),
                              channelSlots: StreamSlots(perTenant: config.handoff.channelsPerTenant, perAddress: config.handoff.channelsPerIP),
                              adminTokens: await AdminSessionTokens(secret: secret),
                              offlineModel: offline,
                              mailgun: mailgun, mailgunWebhooks: mailgunWebhooks,
                              webhookPoster: try EmailSelection.webhookPoster(config: config),
                              secretBox: SecretBox(serverSecret: secret, purpose: "webhook-secrets"),
                              spending: SpendingGuard { [database = app.db(.parley)] tenant, since in
                                  try await FluentLLMRequestLog(database: database).cost(tenant: tenant, since: since)
                              },
                              directoryCache: .init(lifetime: .milliseconds(Int64(config.chat.directoryCacheSeconds * 1000))),
                              interestCatalogues: InterestCatalogues { [knowledge] tenant in await knowledge.topicNames(tenant: tenant) },
                              loopDatabases: LoopDatabases(app, id: .parley))
    }

    /// Where rate counters live: `limits.counters`, or with `auto` the database when it is
    /// PostgreSQL (every process shares it) and this process's memory with SQLite (one process serves).
    static func rateCounters(_ config: ParleyConfig, secrets: ParleySecrets, database: any Database) throws -> any RateCounterStore {
        switch config.limits.counters {
        case .memory: return InMemoryRateCounters()
        case .database: return try SQLRateCounters(database: database)
        case .auto:
            return DatabaseSelection.kind(secrets: secrets) == .postgres ? try SQLRateCounters(database: database) : InMemoryRateCounters()
        }
    }

    static func seed(_ app: Application, services: ParleyServices) async throws {
        let provisioner = services.provisioner(services.stores(on: app.db(.parley)))
        if services.config.app.seedDemo {
            let name = services.config.app.defaultTenant == "demo" ? "Demo Company" : services.config.app.defaultTenant.capitalized
            try await provisioner.ensureDefaultTenant(name: name)
        } else {
            try await provisioner.syncAgentCatalogue()
        }
    }

    static func configureHTTP(_ app: Application, config: ParleyConfig) {
        app.http.server.configuration.hostname = config.app.host
        app.http.server.configuration.port = config.app.port
        app.http.server.configuration.shutdownTimeout = .milliseconds(Int64(config.app.shutdownGraceSeconds * 1000))
        // Idle connections are closed instead of held forever; compressed request bodies are not
        // inflated (no client of Parley sends them, and a small one can expand to the body limit).
        app.http.server.configuration.idleTimeout = .milliseconds(Int64(max(config.app.idleTimeoutSeconds, 1) * 1000))
        app.http.server.configuration.requestDecompression = .disabled
        // A provider that refuses connections should fail a turn in seconds, not after AHC's 10 s default.
        app.http.client.configuration.timeout.connect = .seconds(5)
        app.routes.defaultMaxBodySize = ByteCount(value: config.chat.maxBodyBytes)
        // The application-wide middlewares are future-based, not `AsyncMiddleware`: Vapor runs
        // every async middleware in a task of its own and awaits the next one's future, so each
        // cost every request a task and two thread hops. Only the route group's caller middleware
        // and the handler run as tasks.
        app.middleware = Middlewares()
        app.middleware.use(UncompressedByDefaultMiddleware())
        app.middleware.use(RequestLogMiddleware())
        // Outside the error middleware, so an error is already its JSON response (logged when it
        // is a 5xx) when the CORS headers go on it, and a cross-origin page can read it.
        app.middleware.use(WidgetCORSMiddleware())
        app.middleware.use(JSONErrorMiddleware())
        app.middleware.use(AddressLengthMiddleware())
    }
}

extension DatabaseID {
    /// Parley's one database (SQLite or PostgreSQL).
    public static let parley = DatabaseID(string: "parley")
}

extension Application {
    private struct ServicesKey: StorageKey {
        typealias Value = ParleyServices
    }

    /// The services `ParleyApp.configure` built.
    public var parley: ParleyServices {
        get {
            guard let services = storage[ServicesKey.self] else {
                fatalError("ParleyApp.configure must run before the services are used")
            }
            return services
        }
        set { storage[ServicesKey.self] = newValue }
    }
}
