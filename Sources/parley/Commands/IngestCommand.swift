import ArgumentParser
import Fluent
import Foundation
import ParleyCore
import ParleyIngest
import ParleyJobs
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
        content changed and does nothing when it did not. Sources go through the job queue: this command runs
        their jobs itself (a running server's or worker's processes may take some) and waits for each.
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
            let stores = app.parley.stores(on: app.db(.parley))
            guard let target = try await stores.tenants.tenant(slug: tenant) else {
                throw ValidationError("no tenant has the slug '\(tenant)' (see `parley tenant list`)")
            }
            if let agent, try await stores.agents.agent(code: agent) == nil {
                throw ValidationError("no agent has the code '\(agent)'")
            }
            // The sources go through the job queue like the API's; this process runs ingestion
            // jobs meanwhile (a running server's workers may take some of them too).
            var registry = JobRegistry()
            registry.register(IngestSourceJob(ingestion: app.parley.ingestion), concurrency: app.parley.config.jobs.concurrency)
            let background = BackgroundWork(try app.parley.jobServices(on: app.db(.parley), registry: registry))
            do {
                let failures = try await submitAndReport(inputs, tenant: target.id, services: app.parley)
                await background.stop()
                return failures
            } catch {
                await background.stop()
                throw error
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    /// Queues every input, then reports each source's outcome in order; returns the failures.
    private func submitAndReport(_ inputs: [SourceInput], tenant: TenantID, services: ParleyServices) async throws -> Int {
        let submission = services.sourceSubmission
        var queued: [(input: SourceInput, before: KnowledgeSource?, submitted: SourceSubmission.Submitted)] = []
        for input in inputs {
            let before = try await input.locator.asyncFlatMap {
                try await services.ingestion.store.source(kind: input.kind, locator: $0, tenant: tenant, agent: input.agentCode)
            }
            queued.append((input, before, try await submission.submit(input, tenant: tenant)))
        }
        let bar = ProgressBar(total: queued.count, label: "sources")
        var failures = 0
        for (index, entry) in queued.enumerated() {
            let source = try await submission.waitForIngestion(entry.submitted, timeout: .seconds(86_400))
            bar.update(index + 1)
            let name = entry.input.locator ?? source.title
            switch source.status {
            case .indexed where entry.before?.status == .indexed && entry.before?.lastIndexedAt == source.lastIndexedAt:
                print("unchanged \(name)")
            case .indexed:
                let change = entry.submitted.isNew ? "created" : "replaced"
                print("\(change.padding(toLength: 9, withPad: " ", startingAt: 0)) \(name)  \"\(source.title)\", \(source.chunkCount) chunks")
            case .failed:
                failures += 1
                print("failed    \(name): \(source.failureReason ?? "unknown reason")")
            case .pending:
                failures += 1
                print("pending   \(name): not indexed yet")
            }
        }
        bar.finish()
        return failures
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
