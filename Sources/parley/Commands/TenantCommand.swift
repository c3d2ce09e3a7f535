import ArgumentParser
import Fluent
import Foundation
import Logging
import ParleyChat
import ParleyCore
import ParleyServer
import ParleyStore
import Vapor

struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant",
        abstract: "Create and list tenants, issue new API keys, change settings.",
        subcommands: [Create.self, List.self, RotateKey.self, Settings.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a tenant and print its secret API key (shown once) and public widget key.")

        @OptionGroup var global: GlobalOptions

        @ArgumentParser.Option(help: "The business's display name.")
        var name: String

        @ArgumentParser.Option(help: "URL-safe identifier: lower-case letters, digits and '-'.")
        var slug: String

        func validate() throws {
            guard TenantProvisioner.isValidSlug(slug) else {
                throw ValidationError("--slug must be 2 to 64 lower-case letters, digits or '-', starting with a letter")
            }
        }

        func run() async throws {
            let loaded = try Runtime.loadConfiguration(global)
            try Runtime.bootstrapLogging(loaded, stdout: false)
            let created = try await Runtime.withApplication(loaded, usesEmbeddings: false) { app in
                try await app.parley.provisioner(app.parley.stores(on: app.db(.parley))).createTenant(name: name, slug: slug)
            }
            print("""
            Created tenant \(created.tenant.slug) (\(created.tenant.id))
              name:        \(created.tenant.name)
              widget key:  \(created.tenant.widgetKey)   (public: goes in the page's data-tenant)
              API key:     \(created.apiKey)   (secret: shown only now, stored hashed)
            """)
        }
    }

    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Issue a new secret API key for a tenant (shown once); the old key stops working at once.",
            discussion: "Use it to get an API key for the seeded demo tenant: parley tenant rotate-key --slug demo")

        @OptionGroup var global: GlobalOptions

        @ArgumentParser.Option(help: "The tenant's slug.")
        var slug: String

        func run() async throws {
            let loaded = try Runtime.loadConfiguration(global)
            try Runtime.bootstrapLogging(loaded, stdout: false)
            let rotated = try await Runtime.withApplication(loaded, usesEmbeddings: false) { app in
                try await app.parley.provisioner(app.parley.stores(on: app.db(.parley))).rotateAPIKey(slug: slug)
            }
            print("New API key for \(rotated.tenant.slug): \(rotated.apiKey)   (secret: shown only now, stored hashed)")
        }
    }

    struct Settings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or change a tenant's settings (allowed origins, consent, the widget's look).",
            discussion: """
            Keys: \(TenantSettingsEditor.keys.joined(separator: ", ")).
            Example: parley tenant settings --slug demo allowed_origins=https://shop.example.com widget.color=#0b6e4f
            """)

        @OptionGroup var global: GlobalOptions

        @ArgumentParser.Option(help: "The tenant's slug.")
        var slug: String

        @ArgumentParser.Option(name: .customLong("unset"), help: "A key to remove (repeatable).")
        var removals: [String] = []

        @ArgumentParser.Argument(help: "key=value assignments; none prints the current settings.")
        var assignments: [String] = []

        func run() async throws {
            let loaded = try Runtime.loadConfiguration(global)
            try Runtime.bootstrapLogging(loaded, stdout: false)
            let tenant = try await Runtime.withApplication(loaded, usesEmbeddings: false) { app in
                let provisioner = app.parley.provisioner(app.parley.stores(on: app.db(.parley)))
                if assignments.isEmpty && removals.isEmpty { return try await provisioner.tenant(slug: slug) }
                return try await provisioner.editSettings(slug: slug, assignments: assignments, removals: removals)
            }
            print(tenant.settings.jsonString)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tenants with their public widget keys.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let loaded = try Runtime.loadConfiguration(global)
            try Runtime.bootstrapLogging(loaded, stdout: false)
            let tenants = try await Runtime.withApplication(loaded, usesEmbeddings: false) { app in
                try await app.parley.stores(on: app.db(.parley)).tenants.allTenants()
            }
            let rows = tenants.map { [$0.slug, $0.name, $0.isActive ? "active" : "inactive", $0.widgetKey] }
            print(TextTable.render(header: ["SLUG", "NAME", "STATUS", "WIDGET KEY"], rows: rows))
        }
    }
}

/// A plain left-aligned text table for terminal output.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
