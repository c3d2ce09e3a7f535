import ArgumentParser
import Fluent
import Foundation
import Logging
import ParleyCore
import ParleyServer
import ParleyStore
import ServiceLifecycle
import UnixSignals
import Vapor

/// Shared start-up for the commands: load configuration, set up logging, make the application.
enum Runtime {
    static func loadConfiguration(_ options: GlobalOptions) throws -> ConfigLoader.Loaded {
        do {
            return try ConfigLoader().load(yamlPath: options.config)
        } catch let error as ConfigError {
            throw ValidationError(error.description)
        }
    }

    /// Routes swift-log to the JSONL handler (stdout and the rotating file), once per process.
    static func bootstrapLogging(_ loaded: ConfigLoader.Loaded, stdout: Bool? = nil, level: Logger.Level? = nil) throws {
        let logging = loaded.config.logging
        let resolvedLevel = try level ?? Logger.Level(configName: logging.level)
        let file = try RotatingFileWriter(
            path: logging.path,
            maxBytes: LogSizes.bytes(logging.rotation, key: "logging.rotation"),
            retention: LogSizes.seconds(logging.retention, key: "logging.retention"))
        let secrets = [loaded.secrets.llmAPIKey, loaded.secrets.databaseURL, loaded.secrets.serverSecret,
                       loaded.secrets.embeddingsAPIKey, loaded.secrets.mailgunAPIKey, loaded.secrets.pineconeAPIKey]
        let sink = JSONLLogHandler.Sink(stdout: stdout ?? logging.stdout, file: file,
                                        redactor: Redactor(knownSecrets: secrets.compactMap { $0 }))
        LoggingSystem.bootstrap { label in JSONLLogHandler(label: label, level: resolvedLevel, sink: sink) }
    }

    /// A configured application (database migrated when configured, demo tenant seeded).
    /// `usesEmbeddings: false` skips loading the embedding model (commands that never embed);
    /// `seeds: false` skips creating the demo tenant (migrate).
    static func makeApplication(_ loaded: ConfigLoader.Loaded, loadsKnowledge: Bool = false, usesEmbeddings: Bool = true, seeds: Bool = true,
                                adjust: (inout ParleyConfig) -> Void = { _ in }) async throws -> Application {
        var config = loaded.config
        adjust(&config)
        let app = try await Application.make(Environment(name: "production", arguments: ["parley"]))
        do {
            var settings = ServerSettings(config: config, secrets: loaded.secrets)
            settings.loadsKnowledge = loadsKnowledge
            settings.usesEmbeddings = usesEmbeddings
            settings.seeds = seeds
            try await ParleyApp.configure(app, settings: settings)
        } catch {
            try? await app.asyncShutdown()
            if let error = error as? ConfigError { throw ValidationError(error.description) }
            throw error
        }
        return app
    }

    /// Runs `body` with a configured application and shuts it down once, whatever happens;
    /// a `ParleyError` becomes a CLI message naming the problem.
    static func withApplication<T>(_ loaded: ConfigLoader.Loaded, loadsKnowledge: Bool = false, usesEmbeddings: Bool = true,
                                   _ body: (Application) async throws -> T) async throws -> T {
        let app = try await makeApplication(loaded, loadsKnowledge: loadsKnowledge, usesEmbeddings: usesEmbeddings)
        let result: T
        do {
            result = try await body(app)
        } catch let error as ParleyError {
            try? await app.asyncShutdown()
            throw ValidationError(error.message)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
        return result
    }

    /// Runs `services` as one `ServiceGroup` until SIGTERM or SIGINT shuts them down gracefully
    /// (in reverse order), then shuts the application down once, whatever happens.
    static func runUntilSignalled(_ services: [any Service], app: Application, logger: Logger) async throws {
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) },
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
