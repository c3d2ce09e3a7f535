import ArgumentParser
import Fluent
import Foundation
import ParleyAccounts
import ParleyChat
import ParleyCore
import ParleyServer
import ParleyStore
import Vapor
#if canImport(Glibc)
import Glibc
#endif

struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Create admin accounts (people who sign in to the admin panel and API).",
        subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an admin account with a role in one tenant, or a platform administrator.",
            discussion: """
                The password comes from PARLEY_ADMIN_PASSWORD, or is asked for on the terminal (not echoed), or with \\
                --generate-password is made up and printed once. It is never taken as an argument, where it would stay \\
                in the shell's history and the process list.
                """)

        @OptionGroup var global: GlobalOptions

        @ArgumentParser.Option(help: "The person's e-mail address (their sign-in name).")
        var email: String

        @ArgumentParser.Option(help: "Name shown in the panel and on operator replies (default: the part before @).")
        var name: String?

        @ArgumentParser.Option(help: "Slug of the tenant the account works in.")
        var tenant: String?

        @ArgumentParser.Option(help: "Role in that tenant: owner, operator or viewer.")
        var role: AdminRole = .owner

        @ArgumentParser.Flag(help: "A platform administrator, who manages every tenant.")
        var platform = false

        @ArgumentParser.Flag(help: "Make up a strong password and print it once.")
        var generatePassword = false

        func validate() throws {
            guard platform || tenant != nil else { throw ValidationError("give --tenant SLUG (with --role), or --platform for a platform administrator") }
        }

        func run() async throws {
            let password = try Self.password(generate: generatePassword)
            let loaded = try Runtime.loadConfiguration(global)
            try Runtime.bootstrapLogging(loaded, stdout: false)
            let displayName = name ?? String(email.split(separator: "@").first ?? Substring(email))
            let user = try await Runtime.withApplication(loaded, usesEmbeddings: false) { app in
                let services = app.parley
                var membership: (TenantID, AdminRole)?
                if let tenant {
                    membership = (try await services.provisioner(services.stores(on: app.db(.parley))).tenant(slug: tenant).id, role)
                }
                return try await services.accounts(on: app.db(.parley))
                    .create(email: email, displayName: displayName, password: password, platformAdmin: platform, membership: membership)
            }
            var lines = ["Created admin account \(user.email) (\(user.id))"]
            if platform { lines.append("  platform administrator: manages every tenant") }
            if let tenant { lines.append("  \(role.rawValue) of tenant \(tenant)") }
            if generatePassword { lines.append("  password: \(password)   (shown only now)") }
            print(lines.joined(separator: "\n"))
        }

        static func password(generate: Bool) throws -> String {
            if generate { return KeyMaterial.randomKey(prefix: "", byteCount: 18) }
            if let given = ProcessInfo.processInfo.environment["PARLEY_ADMIN_PASSWORD"], !given.isEmpty { return given }
            guard isatty(STDIN_FILENO) == 1, let typed = getpass("Password for the new account: "), let again = getpass("Once more: ") else {
                throw ValidationError("no password: set PARLEY_ADMIN_PASSWORD, run on a terminal, or use --generate-password")
            }
            let (first, second) = (String(cString: typed), String(cString: again))
            guard first == second else { throw ValidationError("the two passwords differ") }
            return first
        }
    }
}

extension AdminRole: ExpressibleByArgument {}
