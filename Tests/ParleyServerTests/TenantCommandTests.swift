import Foundation
import ParleyCore
import ParleyTestSupport
import Testing

/// The `parley tenant` commands, run as a real process against a scratch SQLite database.
@Suite("parley tenant CLI")
struct TenantCommandTests {
    static let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/parley").path

    func run(_ arguments: [String], folder: String, environment extra: [String: String] = [:]) async throws -> (status: Int32, output: String) {
        try await offPool { try Self.runBlocking(arguments, folder: folder, environment: extra) }
    }

    static func runBlocking(_ arguments: [String], folder: String, environment extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        var environment = ProcessInfo.processInfo.environment
        environment["PARLEY_APP_DATA_DIR"] = folder + "/data"
        environment["PARLEY_DATABASE_SQLITE_PATH"] = folder + "/data/parley.sqlite"
        environment["PARLEY_LOGGING_PATH"] = folder + "/logs/app.jsonl"
        environment["PARLEY_EMBEDDINGS_PROVIDER"] = "none"
        environment["DATABASE_URL"] = nil
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A fresh folder for one command run's database and logs; nil (with a recorded issue)
    /// when the binary is missing.
    static func scratchFolder() throws -> String? {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            Issue.record("the parley binary is not built at \(binary)")
            return nil
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-cli-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func settingsChangeAllOrNothingAndNameTheProblem() async throws {
        guard let folder = try Self.scratchFolder() else { return }
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let set = try await run(["tenant", "settings", "--slug", "demo", "allowed_origins=https://shop.example",
                                 "widget.color=#0b6e4f", "consent_required=true"], folder: folder)
        #expect(set.status == 0, "\(set.output)")
        let printed = JSONValue.parse(Data((set.output.split(separator: "\n").last ?? "").utf8))
        #expect(printed?["allowed_origins"] == ["https://shop.example"])
        #expect(printed?["widget"]?["color"] == "#0b6e4f")

        let bad = try await run(["tenant", "settings", "--slug", "demo", "widget.title=New", "widget.color=blue"], folder: folder)
        #expect(bad.status != 0)
        #expect(bad.output.contains("widget.color must be a hex colour"))
        let unknown = try await run(["tenant", "settings", "--slug", "nobody", "widget.title=X"], folder: folder)
        #expect(unknown.status != 0)
        #expect(unknown.output.contains("No tenant has the slug"))

        let shown = try await run(["tenant", "settings", "--slug", "demo", "--unset", "consent_required"], folder: folder)
        #expect(shown.status == 0)
        let after = JSONValue.parse(Data((shown.output.split(separator: "\n").last ?? "").utf8))
        #expect(after?["widget"] == ["color": "#0b6e4f"], "the refused title was not written either")
        #expect(after?["consent_required"] == nil)
    }

    @Test func createPrintsKeysOnceAndListShowsTheTenant() async throws {
        guard let folder = try Self.scratchFolder() else { return }
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let created = try await run(["tenant", "create", "--name", "Acme Ltd", "--slug", "acme"], folder: folder)
        #expect(created.status == 0)
        #expect(created.output.contains("Created tenant acme"))
        let apiKey = created.output.split(separator: "\n").first { $0.contains("API key:") }?
            .split(separator: " ").first { $0.hasPrefix("sk_") }
        #expect(apiKey != nil)

        let again = try await run(["tenant", "create", "--name", "Acme Again", "--slug", "acme"], folder: folder)
        #expect(again.status != 0)
        #expect(again.output.contains("already exists"))
        let badSlug = try await run(["tenant", "create", "--name", "X", "--slug", "Bad Slug"], folder: folder)
        #expect(badSlug.status != 0)
        #expect(badSlug.output.contains("--slug"))

        let rotated = try await run(["tenant", "rotate-key", "--slug", "acme"], folder: folder)
        #expect(rotated.status == 0)
        let newKey = rotated.output.split(separator: " ").first { $0.hasPrefix("sk_") }
        #expect(newKey != nil && newKey != apiKey)
        let unknown = try await run(["tenant", "rotate-key", "--slug", "nobody"], folder: folder)
        #expect(unknown.status != 0)
        #expect(unknown.output.contains("No tenant has the slug"))

        let listed = try await run(["tenant", "list"], folder: folder)
        #expect(listed.status == 0)
        #expect(listed.output.contains("acme") && listed.output.contains("demo"))
        if let apiKey { #expect(!listed.output.contains(apiKey)) }
        // The secret key never reaches the log file.
        let log = (try? String(contentsOfFile: folder + "/logs/app.jsonl", encoding: .utf8)) ?? ""
        if let apiKey { #expect(!log.contains(apiKey)) }
    }

    @Test func ingestAddsFilesAndFoldersAndReportsFailures() async throws {
        guard let folder = try Self.scratchFolder() else { return }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let docs = folder + "/docs"
        try FileManager.default.createDirectory(atPath: docs + "/more", withIntermediateDirectories: true)
        try "# Shipping\n\nParcels leave the warehouse every weekday.".write(toFile: docs + "/shipping.md", atomically: true, encoding: .utf8)
        try "question,answer\nDo you gift wrap?,Yes for two euros.\n".write(toFile: docs + "/more/faq.csv", atomically: true, encoding: .utf8)
        try "%PDF-1.4 broken".write(toFile: folder + "/broken.pdf", atomically: true, encoding: .utf8)

        #expect(try await run(["tenant", "create", "--name", "Shop", "--slug", "shop"], folder: folder).status == 0)
        let first = try await run(["ingest", "--tenant", "shop", docs], folder: folder)
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("created   \(docs)/more/faq.csv"))
        #expect(first.output.contains("\"Shipping\", 1 chunks"))
        let again = try await run(["ingest", "--tenant", "shop", docs + "/shipping.md"], folder: folder)
        #expect(again.output.contains("unchanged \(docs)/shipping.md"))
        let broken = try await run(["ingest", "--tenant", "shop", folder + "/broken.pdf"], folder: folder)
        #expect(broken.status != 0)
        #expect(broken.output.contains("failed") && broken.output.contains("could not be read"))
        let missing = try await run(["ingest", "--tenant", "shop", folder + "/nope.txt"], folder: folder)
        #expect(missing.status != 0)
        #expect(missing.output.contains("no such file or folder"))
        let unknownTenant = try await run(["ingest", "--tenant", "nobody", docs], folder: folder)
        #expect(unknownTenant.status != 0)
        #expect(unknownTenant.output.contains("no tenant has the slug"))
    }

    @Test func tenantAndMigrateCommandsNeedNoEmbeddingModel() async throws {
        guard let folder = try Self.scratchFolder() else { return }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let nowhere = ["PARLEY_EMBEDDINGS_PROVIDER": "local", "PARLEY_EMBEDDINGS_LOCAL_PATH": folder + "/no-model-here"]
        let migrated = try await run(["migrate"], folder: folder, environment: nowhere)
        #expect(migrated.status == 0, "\(migrated.output)")
        #expect(migrated.output.contains("Migrations are up to date"))
        let listed = try await run(["tenant", "list"], folder: folder, environment: nowhere)
        #expect(listed.status == 0, "\(listed.output)")
        #expect(listed.output.contains("demo"))
        // A command that embeds does need the model, and names where it looked.
        try "Some text.".write(toFile: folder + "/note.txt", atomically: true, encoding: .utf8)
        let ingest = try await run(["ingest", "--tenant", "demo", folder + "/note.txt"], folder: folder, environment: nowhere)
        #expect(ingest.status != 0)
        #expect(ingest.output.contains("no-model-here"), "\(ingest.output)")
    }
}
