import ArgumentParser
import Fluent
import Foundation
import ParleyCore
import ParleyIngest
import ParleyServer
import Vapor

/// `parley ingest --tenant SLUG PATH|URL...`: adds files, folders and web pages to a tenant's
/// knowledge base through the same pipeline as the API, with a progress bar on a terminal.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Add files, folders or URLs to a tenant's knowledge base.",
        discussion: """
        Files are read by their extension: .pdf (pdftotext), .md, .html, .csv/.json (FAQ), anything else as text.
        Folders are read recursively. Adding the same file name or URL again replaces that source when its
        content changed and does nothing when it did not. A running server picks new sources up at its next start.
        """)

    @OptionGroup var global: GlobalOptions

    @ArgumentParser.Option(help: "Slug of the tenant (see `parley tenant list`).")
    var tenant: String

    @ArgumentParser.Option(help: "Only this agent may use the sources (default: every agent of the tenant).")
    var agent: String?

    @ArgumentParser.Option(help: "Title for the source (default: the document's own title or file name).")
    var title: String?

    @ArgumentParser.Option(help: "Read every file as this kind: text, faq, pdf, markdown or html.")
    var kind: String?

    @ArgumentParser.Argument(help: "Files, folders or http(s) URLs.")
    var items: [String]

    func validate() throws {
        guard !items.isEmpty else { throw ValidationError("name at least one file, folder or URL") }
        if let kind { guard let parsed = SourceKind(rawValue: kind), parsed != .url else {
            throw ValidationError("--kind must be text, faq, pdf, markdown or html")
        } }
        if let agent { guard ConfigLoader.isAgentCode(agent) else { throw ValidationError("--agent is not a valid agent code") } }
    }

    func run() async throws {
        let inputs = try items.flatMap(inputs(for:))
        let loaded = try Runtime.loadConfiguration(global)
        try Runtime.bootstrapLogging(loaded, stdout: false)
        let failures = try await Runtime.withApplication(loaded) { app in
            var failures = 0
            let stores = app.parley.stores(on: app.db(.parley))
            guard let target = try await stores.tenants.tenant(slug: tenant) else {
                throw ValidationError("no tenant has the slug '\(tenant)' (see `parley tenant list`)")
            }
            if let agent, try await stores.agents.agent(code: agent) == nil {
                throw ValidationError("no agent has the code '\(agent)'")
            }
            for input in inputs {
                let bar = ProgressBar(total: 1, label: input.locator ?? "source")
                let outcome = try await app.parley.ingestion.ingest(input, tenant: target.id) { progress in
                    if case let .embedded(done, total) = progress { bar.update(done, of: total) }
                }
                bar.finish()
                let name = input.locator ?? outcome.source.title
                switch outcome.change {
                case .created, .replaced:
                    print("\(outcome.change.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(name)  \"\(outcome.source.title)\", \(outcome.source.chunkCount) chunks")
                case .unchanged:
                    print("unchanged \(name)")
                case .failed:
                    failures += 1
                    print("failed    \(name): \(outcome.source.failureReason ?? "unknown reason")")
                }
            }
            return failures
        }
        if failures > 0 { throw ExitCode(1) }
    }

    private func inputs(for item: String) throws -> [SourceInput] {
        if let url = URL(string: item), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" {
            return [SourceInput(kind: .url, title: title, locator: url.absoluteString, agentCode: agent, payload: .web(url))]
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: item, isDirectory: &isFolder) else {
            throw ValidationError("\(item): no such file or folder (URLs must start with http:// or https://)")
        }
        let files: [String]
        if isFolder.boolValue {
            let enumerator = FileManager.default.enumerator(atPath: item)
            files = (enumerator?.allObjects as? [String] ?? []).sorted()
                .map { (item as NSString).appendingPathComponent($0) }
                .filter { path in
                    var folder: ObjCBool = false
                    return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && !folder.boolValue
                        && !(path as NSString).lastPathComponent.hasPrefix(".")
                }
        } else {
            files = [item]
        }
        return try files.map { path in
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("\(path): cannot be read") }
            let name = (path as NSString).lastPathComponent
            let kind = self.kind.flatMap(SourceKind.init(rawValue:)) ?? SourceInput.kind(forFileName: name)
            return SourceInput(kind: kind, title: title, locator: path, agentCode: agent, payload: .file(data))
        }
    }
}
