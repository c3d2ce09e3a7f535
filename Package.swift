// swift-tools-version:6.1
import PackageDescription

/// Swift settings shared by every target: Swift 6 language mode plus the upcoming
/// features DESIGN.md asks for, so existential and import mistakes fail the build.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// The numeric targets (encoder, vector scan) are optimised in debug builds too: unoptimised,
/// one BERT pass takes seconds, which made the test suite 7x slower and starved the timing-
/// sensitive tests running beside the embedding tests on two cores.
let numericDebugSettings: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

/// The encoder's element-wise kernels are written on SIMD vectors; on x86-64 let the compiler
/// use AVX2 and FMA for them (every x86-64 server CPU since 2013 has them).
#if arch(x86_64)
let vectorSettings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])] + numericDebugSettings
#else
let vectorSettings: [SwiftSetting] = numericDebugSettings
#endif

let package = Package(
    name: "parley",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "parley", targets: ["parley"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/leaf-kit.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Domain values, protocols, configuration schema, redaction. No web or database imports.
        .target(
            name: "ParleyCore",
            dependencies: [
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // OpenAI-compatible chat client, SSE parsing, prices, offline extractive answerer.
        .target(
            name: "ParleyLLM",
            dependencies: [
                .product(name: "Metrics", package: "swift-metrics"),
                "ParleyCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // BLAS through the platform's library: OpenBLAS (libopenblas-dev) on Linux, Accelerate on macOS.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", providers: [.apt(["libopenblas-dev"])]),
        // Local sentence embeddings (WordPiece, safetensors, BERT) and the embeddings API client.
        .target(
            name: "ParleyEmbeddings",
            dependencies: [
                .product(name: "Metrics", package: "swift-metrics"),
                "ParleyCore", "CBLAS",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings + vectorSettings,
            linkerSettings: [
                .linkedLibrary("openblas", .when(platforms: [.linux])),
                .linkedFramework("Accelerate", .when(platforms: [.macOS])),
            ]
        ),
        // Knowledge-base retrieval: text extraction, chunking, BM25, exact vector index, fusion, IR metrics.
        .target(
            name: "ParleyRetrieval",
            dependencies: ["ParleyCore", "CBLAS", .product(name: "Metrics", package: "swift-metrics")],
            swiftSettings: strictSettings + vectorSettings,
            linkerSettings: [
                .linkedLibrary("openblas", .when(platforms: [.linux])),
                .linkedFramework("Accelerate", .when(platforms: [.macOS])),
            ]
        ),
        // Reading sources: extraction by kind, PDFs through pdftotext, web crawling; the ingestion pipeline.
        .target(
            name: "ParleyIngest",
            dependencies: [
                .product(name: "Metrics", package: "swift-metrics"),
                "ParleyCore", "ParleyRetrieval", "ParleyJobs",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // One chat turn over protocols: history, persona, retrieval, prompt, stream, persist.
        .target(
            name: "ParleyChat",
            dependencies: [
                "ParleyCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Handing conversations to people: answer confidence (and, next, escalation and operators).
        .target(
            name: "ParleyHandoff",
            dependencies: ["ParleyCore", "ParleyRetrieval", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        // Admin accounts: people, password hashing (scrypt), sign-in with lockouts, roles per tenant.
        .target(
            name: "ParleyAccounts",
            dependencies: [
                "ParleyCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: strictSettings
        ),
        // Durable jobs: typed handlers, the worker Service (leases, retries, fairness), recurring jobs.
        .target(
            name: "ParleyJobs",
            dependencies: [
                "ParleyCore",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Fluent models, migrations and repositories; the only target that imports Fluent.
        .target(
            name: "ParleyStore",
            dependencies: [
                "ParleyCore",
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQL", package: "fluent-kit"),
                // Also brings SQLiteKit, SQLiteNIO and its SQLite library (VaporCSQLite, not a
                // product), which DirectSQLiteDatabase uses: the process's one copy of SQLite.
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Leads: what visitors say about themselves (contact details, interests), for the sales team.
        .target(
            name: "ParleyLeads",
            dependencies: ["ParleyCore", "ParleyJobs", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        // Outgoing e-mail: the dispatch every feature writes to, Mailgun's HTTP API, delivery jobs, webhooks.
        .target(
            name: "ParleyMail",
            dependencies: [
                "ParleyCore", "ParleyJobs",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Vapor application: configuration, routes, middleware, controllers, DTOs.
        .target(
            name: "ParleyServer",
            dependencies: [
                .product(name: "Metrics", package: "swift-metrics"),
                "ParleyCore", "ParleyLLM", "ParleyChat", "ParleyStore", "ParleyEmbeddings", "ParleyRetrieval", "ParleyIngest", "ParleyJobs",
                "ParleyAccounts", "ParleyLeads", "ParleyMail", "ParleyHandoff",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "LeafKit", package: "leaf-kit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            resources: [.copy("Resources/DemoKnowledge"), .copy("Resources/Widget"), .copy("Resources/OpenAPI"), .copy("Resources/Panel")],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "parley",
            dependencies: [
                "ParleyServer", "ParleyCore", "ParleyStore", "ParleyLLM", "ParleyChat", "ParleyEmbeddings", "ParleyRetrieval", "ParleyIngest", "ParleyJobs",
                "ParleyAccounts", "ParleyLeads", "ParleyMail", "ParleyHandoff",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strictSettings
        ),
        // Real local HTTP fakes of external services and helpers shared by the test targets.
        .target(
            name: "ParleyTestSupport",
            dependencies: [
                "ParleyCore", "ParleyServer", "ParleyStore", "ParleyLLM", "ParleyJobs",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParleyCoreTests",
            dependencies: ["ParleyCore"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParleyAccountsTests",
            dependencies: ["ParleyAccounts", "ParleyCore", "ParleyTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParleyEmbeddingsTests",
            dependencies: ["ParleyEmbeddings", "ParleyCore", "ParleyTestSupport",
                           .product(name: "AsyncHTTPClient", package: "async-http-client")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParleyLeadsTests",
            dependencies: ["ParleyLeads", "ParleyCore"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParleyMailTests",
            dependencies: ["ParleyMail", "ParleyCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParleyHandoffTests",
            dependencies: ["ParleyHandoff", "ParleyCore", "ParleyTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParleyRetrievalTests",
            dependencies: ["ParleyRetrieval", "ParleyCore", "ParleyTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParleyIngestTests",
            dependencies: ["ParleyIngest", "ParleyRetrieval", "ParleyCore", "ParleyStore", "ParleyServer", "ParleyChat", "ParleyJobs", "ParleyTestSupport",
                           .product(name: "SQLKit", package: "sql-kit"),
                           .product(name: "Fluent", package: "fluent"),
                           .product(name: "Vapor", package: "vapor"),
                           .product(name: "AsyncHTTPClient", package: "async-http-client")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParleyLLMTests",
            dependencies: ["ParleyLLM", "ParleyCore", "ParleyTestSupport",
                           .product(name: "AsyncHTTPClient", package: "async-http-client"),
                           .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParleyJobsTests",
            dependencies: ["ParleyJobs", "ParleyCore", "ParleyStore", "ParleyServer", "ParleyChat", "ParleyTestSupport",
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                           .product(name: "SQLKit", package: "sql-kit"),
                           .product(name: "Fluent", package: "fluent")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParleyChatTests",
            dependencies: ["ParleyChat", "ParleyCore", "ParleyLLM", "ParleyTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ParleyServerTests",
            dependencies: ["ParleyLeads", "ParleyMail", "ParleyServer", "ParleyIngest", "ParleyCore", "ParleyStore", "ParleyLLM", "ParleyChat", "ParleyJobs", "ParleyTestSupport",
                           .product(name: "Vapor", package: "vapor"),
                           .product(name: "Fluent", package: "fluent"),
                           .product(name: "NIOHTTP1", package: "swift-nio"),
                           .product(name: "SQLKit", package: "sql-kit"),
                           .product(name: "PostgresKit", package: "postgres-kit"),
                           .product(name: "AsyncHTTPClient", package: "async-http-client")],
            swiftSettings: strictSettings
        ),
    ]
)
