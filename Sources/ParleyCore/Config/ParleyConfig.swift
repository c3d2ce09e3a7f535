import Foundation

/// Parley's configuration: the schema of seed 000's parley.yaml, extended where Parley needs.
/// Every key has a default here, so a missing key is never an error; an unknown key or a
/// wrong type is (see `ConfigLoader`). Secrets are not part of this type: see `ParleySecrets`.
public struct ParleyConfig: Sendable, Codable, Equatable {
    public var app = AppSection()
    public var chat = ChatSection()
    public var email = EmailSection()
    public var logging = LoggingSection()
    public var database = DatabaseSection()
    public var vector = VectorSection()
    public var embeddings = EmbeddingsSection()
    public var retrieval = RetrievalSection()
    public var ingest = IngestSection()
    public var jobs = JobsSection()
    public var consent = ConsentSection()
    public var cors = CORSSection()
    public var llm = LLMSection()
    public var ui = UISection()
    public var limits = LimitsSection()
    public var quotas = QuotasSection()
    public var admin = AdminSection()
    public var leads = LeadsSection()
    public var webhooks = WebhooksSection()
    public var handoff = HandoffSection()
    /// Agents by code (`/a/{code}/…`). Catalogue entries synchronised into the `agents` table.
    public var agents: [String: AgentSection] = ["sales": AgentSection()]

    public init() {}

    public struct AppSection: Sendable, Codable, Equatable {
        public var name = "Parley"
        /// `single-tenant` serves everything as `default_tenant`; `multi-tenant` resolves the
        /// tenant from the widget key or API key of each request.
        public var mode = TenancyMode.singleTenant
        public var defaultTenant = "demo"
        public var defaultAgent = "sales"
        public var host = "127.0.0.1"
        public var port = 8080
        public var dataDir = "./data"
        /// Create the demo tenant, agent and persona at start when they are missing.
        public var seedDemo = true
        public var autoMigrate = true
        /// How long in-flight streams may run on after a shutdown signal.
        public var shutdownGraceSeconds = 10.0
        /// A connection with nothing read or written for this long is closed (streams send a
        /// keep-alive every 15 s, so this must stay above that).
        public var idleTimeoutSeconds = 60.0

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, mode, host, port
            case defaultTenant = "default_tenant", defaultAgent = "default_agent", dataDir = "data_dir"
            case seedDemo = "seed_demo", autoMigrate = "auto_migrate", shutdownGraceSeconds = "shutdown_grace_seconds"
            case idleTimeoutSeconds = "idle_timeout_seconds"
        }
    }

    public enum TenancyMode: String, Sendable, Codable, Equatable, ConfigChoice {
        case singleTenant = "single-tenant"
        case multiTenant = "multi-tenant"
    }

    public struct LoggingSection: Sendable, Codable, Equatable {
        public var level = "INFO"
        public var path = "./logs/app.jsonl"
        public var rotation = "50 MB"
        public var retention = "14 days"
        public var stdout = true
    }

    public struct DatabaseSection: Sendable, Codable, Equatable {
        /// The embedded database file; `DATABASE_URL` (PostgreSQL) takes precedence.
        public var sqlitePath = "./data/parley.sqlite"
        /// SQLite's `synchronous` setting: `normal` (a commit survives a crash of the process, not
        /// a power cut of the machine; one `fsync` per WAL checkpoint) or `full` (an `fsync` per commit).
        public var sqliteSynchronous = Synchronous.normal
        /// How long a query waits for a free connection before it fails (SQLite has one, PostgreSQL
        /// `postgres_connections_per_loop` per event loop). Raise it on a machine that is often
        /// busier than its cores.
        public var poolTimeoutSeconds = 10.0
        /// PostgreSQL connections each event loop (one per core) may open. A connection waits out
        /// its commit's `fsync` doing nothing else, so with fewer the cores idle under load; with
        /// more, the server spends more per statement on its own locks. 1 to 64.
        public var postgresConnectionsPerLoop = 8
        /// PostgreSQL: run SQL statements prepared once per connection instead of parsed and
        /// planned on every call. Turn off behind a pooler that hands a client's statements to
        /// different server connections (PgBouncer in transaction or statement mode).
        public var postgresPreparedStatements = true
        /// SQLite: run SQL statements outside transactions straight on the connection's thread
        /// instead of through sqlite-nio's event-loop hand-offs (``DirectSQLiteDatabase``).
        public var sqliteDirectStatements = true

        enum CodingKeys: String, CodingKey, CaseIterable {
            case sqlitePath = "sqlite_path", sqliteSynchronous = "sqlite_synchronous", poolTimeoutSeconds = "pool_timeout_seconds"
            case postgresPreparedStatements = "postgres_prepared_statements", sqliteDirectStatements = "sqlite_direct_statements"
            case postgresConnectionsPerLoop = "postgres_connections_per_loop"
        }

        public enum Synchronous: String, Sendable, Codable, Equatable, ConfigChoice {
            case normal, full
        }
    }

    public struct VectorSection: Sendable, Codable, Equatable {
        /// `auto` (pgvector when DATABASE_URL's server has the extension, else embedded),
        /// `embedded` (in memory, exact, BLAS), `pgvector` or `pinecone`.
        public var store = "auto"
        public var pinecone = PineconeSection()
    }

    public struct PineconeSection: Sendable, Codable, Equatable {
        public var indexName = ""
        public var host = ""

        enum CodingKeys: String, CodingKey, CaseIterable {
            case host
            case indexName = "index_name"
        }
    }

    public struct EmbeddingsSection: Sendable, Codable, Equatable {
        /// `local` (in-process MiniLM), `openai` (an OpenAI-compatible /v1/embeddings API) or `none`.
        public var provider = "local"
        /// Name recorded with local vectors.
        public var model = "all-MiniLM-L6-v2"
        public var local = LocalEmbeddingsSection()
        public var openai = RemoteEmbeddingsSection()
    }

    public struct RemoteEmbeddingsSection: Sendable, Codable, Equatable {
        public var baseURL = "https://api.openai.com/v1"
        public var model = "text-embedding-3-small"
        public var dimension = 1536
        /// Texts per request.
        public var batchSize = 96

        enum CodingKeys: String, CodingKey, CaseIterable {
            case model, dimension
            case baseURL = "base_url", batchSize = "batch_size"
        }
    }

    public struct LocalEmbeddingsSection: Sendable, Codable, Equatable {
        /// Folder holding model.safetensors and vocab.txt; empty means "ask python3".
        public var path = ""
    }

    public struct RetrievalSection: Sendable, Codable, Equatable {
        /// `hybrid`, `dense`, `lexical` or `off` (no knowledge base in the prompt).
        public var mode = RetrievalMode.hybrid
        public var topK = 5
        /// Passages scoring below this are dropped (fused score in hybrid mode, cosine in dense, BM25 in lexical).
        public var minScore = 0.0
        /// `absolute` (cosine and BM25's share of the query's attainable score, weighted by
        /// `convex_alpha`), `convex` (min-max normalised scores, weighted the same) or `rrf`
        /// (reciprocal ranks, `rrf_k`).
        public var fusion = FusionMethod.absolute
        /// Weight of the dense ranking in absolute and convex fusion (of every tenant without a
        /// fitted weight).
        public var convexAlpha = 0.5
        /// Fit each tenant's dense weight to its own content (its FAQ questions, headings and
        /// titles as queries) after its sources change, starting from `convex_alpha`.
        public var fitDenseWeight = true
        /// Chunks a fit re-embeds at most (the self-queries' answers and a sample of the rest).
        public var fitSampleChunks = 2000
        public var rrfK = 60.0
        /// Candidates each ranking contributes before fusion.
        public var candidates = 100
        public var bm25K1 = 1.5
        public var bm25B = 0.75
        /// Chunk size and overlap, in (estimated) tokens.
        public var chunkTokens = 500
        public var chunkOverlap = 50

        enum CodingKeys: String, CodingKey, CaseIterable {
            case mode, fusion, candidates
            case topK = "top_k", minScore = "min_score", convexAlpha = "convex_alpha", rrfK = "rrf_k"
            case fitDenseWeight = "fit_dense_weight", fitSampleChunks = "fit_sample_chunks"
            case bm25K1 = "bm25_k1", bm25B = "bm25_b", chunkTokens = "chunk_tokens", chunkOverlap = "chunk_overlap"
        }
    }

    /// Origins (`https://shop.example`) that may embed every tenant's chat; each tenant adds its
    /// own in its settings (`allowed_origins`). `*` allows any origin.
    public struct CORSSection: Sendable, Codable, Equatable {
        public var allowedOrigins: [String] = []

        enum CodingKeys: String, CodingKey, CaseIterable {
            case allowedOrigins = "allowed_origins"
        }
    }

    /// The consent notice the widget shows before the first chat (tenant settings override it).
    public struct ConsentSection: Sendable, Codable, Equatable {
        public var required = false
        /// Changing it asks every visitor again.
        public var termsVersion = "1"

        enum CodingKeys: String, CodingKey, CaseIterable {
            case required
            case termsVersion = "terms_version"
        }
    }

    /// How sources are fetched and accepted.
    public struct IngestSection: Sendable, Codable, Equatable {
        /// Sent on every fetch of a web page, robots.txt and sitemap.
        public var userAgent = "ParleyBot/1.0 (+https://github.com/parley)"
        /// Links followed from a start URL (0: that page only).
        public var maxDepth = 1
        public var maxPages = 50
        /// Read sitemap.xml (and robots.txt `Sitemap:` lines) for more pages of the same site.
        public var useSitemap = true
        /// One deadline over each fetch: connecting, headers and the whole body.
        public var fetchTimeoutSeconds = 15.0
        /// One deadline over a whole crawl; pages read by then are kept.
        public var crawlTimeoutSeconds = 300.0
        /// Largest file, text or page accepted, in bytes.
        public var maxUploadBytes = 10_485_760
        /// Fetch URLs that resolve to loopback, private or link-local addresses. Off by default,
        /// so that a tenant cannot make the server read its own network (SSRF).
        public var allowPrivateNetworks = false
        /// Single private addresses the crawler may fetch while private networks stay closed
        /// (an intranet wiki at 10.0.0.5): IPv4 or IPv6 literals.
        public var allowedPrivateAddresses: [String] = []

        enum CodingKeys: String, CodingKey, CaseIterable {
            case userAgent = "user_agent", maxDepth = "max_depth", maxPages = "max_pages", useSitemap = "use_sitemap"
            case fetchTimeoutSeconds = "fetch_timeout_seconds", crawlTimeoutSeconds = "crawl_timeout_seconds", maxUploadBytes = "max_upload_bytes"
            case allowPrivateNetworks = "allow_private_networks", allowedPrivateAddresses = "allowed_private_addresses"
        }
    }

    /// The durable job queue and its workers (`parley worker`, and `parley serve`'s own).
    public struct JobsSection: Sendable, Codable, Equatable {
        /// `parley serve` also runs jobs (turn off with `--no-worker` or here when `parley worker` runs elsewhere).
        public var inProcessWorker = true
        /// Jobs one process runs at once, over all kinds.
        public var concurrency = 4
        /// How long a worker holds a job before another may take it (renewed while it runs).
        public var leaseSeconds = 60.0
        /// Longest wait between looks at the queue (PostgreSQL notifications wake workers sooner).
        public var pollIntervalMs = 1000
        public var maxAttempts = 5
        /// Retry N waits about retry_base_seconds * 2^(N-1), at most retry_max_seconds.
        public var retryBaseSeconds = 5.0
        public var retryMaxSeconds = 3600.0
        /// Finished jobs are deleted after this many days.
        public var keepFinishedDays = 7.0

        enum CodingKeys: String, CodingKey, CaseIterable {
            case concurrency
            case inProcessWorker = "in_process_worker", leaseSeconds = "lease_seconds", pollIntervalMs = "poll_interval_ms"
            case maxAttempts = "max_attempts", retryBaseSeconds = "retry_base_seconds", retryMaxSeconds = "retry_max_seconds"
            case keepFinishedDays = "keep_finished_days"
        }
    }

    public struct LLMSection: Sendable, Codable, Equatable {
        /// Name stored in `llm_requests.provider`; `extractive` forces the offline answerer,
        /// `ollama`, `llamacpp` and `vllm` run without a key (at their usual local address
        /// unless `base_url` is set).
        public var provider = "openrouter"
        /// Base URL of an OpenAI-compatible API (the part before `/chat/completions`).
        public var baseURL = "https://openrouter.ai/api/v1"
        public var model = "openai/gpt-oss-20b:free"
        public var temperature = 0.3
        public var maxTokens = 1024
        /// Longest wait for the first token of an answer.
        public var firstTokenTimeoutSeconds = 30.0
        /// Longest a whole answer may take.
        public var timeoutSeconds = 120.0
        public var maxRetries = 2
        public var retryBaseDelayMs = 250
        /// Pause between the words the offline extractive answerer streams, so a visitor sees the
        /// answer arrive as from a remote model; 0 sends it at once (the chat benchmark does).
        public var offlineWordDelayMs = 25
        /// Prices per million tokens by model name, for `llm_requests.computed_cost`.
        public var prices: [String: ModelPrice] = [:]
        /// Use `base_url` without an API key (a local OpenAI-compatible server of any name);
        /// `provider: ollama | llamacpp | vllm` implies it.
        public var keyless = false
        /// How Parley asks for JSON (lead extraction): `json_schema` (structured output),
        /// `json_object` (JSON mode), `none` (instructions only), or `auto`: JSON mode for groq,
        /// structured output for every other provider.
        public var structuredOutput = StructuredOutput.auto

        public init() {}

        /// The response format `auto` and the others stand for, for a schema.
        public func responseFormat(name: String, schema: JSONValue) -> ResponseFormat {
            switch structuredOutput {
            case .jsonSchema: .jsonSchema(name: name, schema: schema)
            case .jsonObject: .jsonObject
            case .none: .text
            case .auto: provider.lowercased() == "groq" ? .jsonObject : .jsonSchema(name: name, schema: schema)
            }
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case provider, model, temperature, prices, keyless
            case structuredOutput = "structured_output"
            case baseURL = "base_url", maxTokens = "max_tokens"
            case firstTokenTimeoutSeconds = "first_token_timeout_seconds", timeoutSeconds = "timeout_seconds"
            case maxRetries = "max_retries", retryBaseDelayMs = "retry_base_delay_ms"
            case offlineWordDelayMs = "offline_word_delay_ms"
        }
    }

    public enum StructuredOutput: String, Sendable, Codable, Equatable, ConfigChoice {
        case auto, none
        case jsonSchema = "json_schema"
        case jsonObject = "json_object"
    }

    public struct UISection: Sendable, Codable, Equatable {
        public var sseEnabled = true
        public var allowBasicHTML = true

        enum CodingKeys: String, CodingKey, CaseIterable {
            case sseEnabled = "sse_enabled", allowBasicHTML = "allow_basic_html"
        }
    }

    /// One agent's catalogue entry and per-agent overrides (seed 000, Agents).
    public struct AgentSection: Sendable, Codable, Equatable {
        public var name: String? = "Sales assistant"
        public var type: String? = "sales"
        public var enabled: Bool? = true
        /// Persona code used when the tenant sets none.
        public var persona: String? = "sales"
        public var model: String?
        public var temperature: Double?
        public var maxTokens: Int?
        /// Per-agent retrieval overrides of `retrieval.mode`, `retrieval.top_k`, `retrieval.min_score`.
        public var retrievalMode: RetrievalMode?
        public var topK: Int?
        public var minScore: Double?
        /// Chat turns one visitor may start per minute with this agent (overrides `limits.visitor_per_minute`).
        public var rateLimitPerMinute: Int?

        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, type, enabled, persona, model, temperature
            case maxTokens = "max_tokens", retrievalMode = "retrieval_mode", topK = "top_k", minScore = "min_score"
            case rateLimitPerMinute = "rate_limit_per_minute"
        }
    }
}
