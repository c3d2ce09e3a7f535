import ArgumentParser
import Foundation
import ParleyCore
import ParleyServer
import Vapor

/// An application on a fresh SQLite database in a temporary folder, for evaluations and
/// benchmarks: nothing they do touches the configured database. Logs go to the scratch folder.
enum ScratchApplication {
    /// `postgresURL` runs on that PostgreSQL database instead of a scratch SQLite file (the
    /// caller cleans up what it wrote there). A command that makes two applications bootstraps
    /// logging itself, once (swift-log allows one bootstrap per process).
    static func run(label: String, loaded: ConfigLoader.Loaded, loadsKnowledge: Bool = false, usesEmbeddings: Bool = true,
                    postgresURL: String? = nil, bootstrapsLogging: Bool = true,
                    adjust: (inout ParleyConfig) -> Void = { _ in },
                    body: (Application) async throws -> Void) async throws {
        var loaded = loaded
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("parley-\(label)-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        loaded.secrets.databaseURL = postgresURL
        loaded.config.logging.path = scratch + "/\(label).jsonl"
        if bootstrapsLogging { try Runtime.bootstrapLogging(loaded, stdout: false, level: .warning) }
        let app = try await Runtime.makeApplication(loaded, loadsKnowledge: loadsKnowledge, usesEmbeddings: usesEmbeddings) { config in
            config.app.dataDir = scratch
            config.database.sqlitePath = scratch + "/\(label).sqlite"
            config.app.host = "127.0.0.1"
            config.app.port = 0
            config.app.seedDemo = false
            adjust(&config)
        }
        do {
            try await body(app)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}

/// A one-line progress bar on standard error when it is a terminal; silent otherwise.
final class ProgressBar: @unchecked Sendable {
    private var total: Int
    private let label: String
    private let enabled = isatty(STDERR_FILENO) == 1
    private var lastDrawn = -1
    private let lock = NSLock()

    init(total: Int, label: String) {
        self.total = max(total, 1)
        self.label = label
    }

    func update(_ done: Int, of newTotal: Int? = nil) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        if let newTotal { total = max(newTotal, 1) }
        let percent = done * 100 / total
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let width = 30
        let filled = width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(done)/\(total)".utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
