import Foundation
import ParleyCore
import ParleyTestSupport
import Testing

/// `parley admin create`, run as a real process against a scratch SQLite database.
@Suite("parley admin CLI")
struct AdminCommandTests {
    func run(_ arguments: [String], folder: String, environment: [String: String] = [:]) async throws -> (status: Int32, output: String) {
        try await offPool { try TenantCommandTests.runBlocking(arguments, folder: folder, environment: environment) }
    }

    @Test func createsOwnersAndPlatformAdminsWithoutEverEchoingAPassword() async throws {
        guard let folder = try TenantCommandTests.scratchFolder() else { return }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let secret = "a very private passphrase"

        let owner = try await run(["admin", "create", "--email", "Owner@Demo.Example", "--tenant", "demo", "--role", "owner"],
                                  folder: folder, environment: ["PARLEY_ADMIN_PASSWORD": secret])
        #expect(owner.status == 0, "\(owner.output)")
        #expect(owner.output.contains("owner@demo.example") && owner.output.contains("owner of tenant demo"))
        #expect(!owner.output.contains(secret))

        let generated = try await run(["admin", "create", "--email", "root@example.com", "--platform", "--generate-password"], folder: folder)
        #expect(generated.status == 0, "\(generated.output)")
        let password = generated.output.split(separator: "\n").first { $0.contains("password:") }?
            .split(separator: " ", omittingEmptySubsequences: true).dropFirst().first
        #expect((password?.count ?? 0) >= 20, "a generated password is printed once")

        // Refusals name the problem and write nothing.
        let cases: [([String], [String: String], String)] = [
            (["admin", "create", "--email", "owner@demo.example", "--tenant", "demo"], ["PARLEY_ADMIN_PASSWORD": secret], "e-mail address exists"),
            (["admin", "create", "--email", "x@example.com", "--tenant", "demo"], ["PARLEY_ADMIN_PASSWORD": "short"], "at least 12 characters"),
            (["admin", "create", "--email", "x@example.com", "--tenant", "nope"], ["PARLEY_ADMIN_PASSWORD": secret], "slug 'nope'"),
            (["admin", "create", "--email", "x@example.com"], ["PARLEY_ADMIN_PASSWORD": secret], "--tenant"),
            (["admin", "create", "--email", "x@example.com", "--tenant", "demo", "--role", "king"], ["PARLEY_ADMIN_PASSWORD": secret], "role"),
            (["admin", "create", "--email", "x@example.com", "--tenant", "demo"], [:], "PARLEY_ADMIN_PASSWORD"),
        ]
        for (arguments, environment, expected) in cases {
            let refused = try await run(arguments, folder: folder, environment: environment)
            #expect(refused.status != 0, "\(arguments) should fail")
            #expect(refused.output.contains(expected), "\(arguments): \(refused.output)")
            #expect(!refused.output.contains(secret))
        }
        let log = (try? String(contentsOfFile: folder + "/logs/app.jsonl", encoding: .utf8)) ?? ""
        #expect(!log.contains(secret), "the password never reaches the log")
        #expect(log.contains("admin_created"))
    }
}
