import Foundation
import ParleyAccounts
import ParleyChat
import ParleyCore
import ParleyIngest
import Vapor

/// The knowledge base in the panel: `/admin/t/{slug}/knowledge` lists the sources with their
/// status and failure reasons and (operators) adds a URL, text, a FAQ or a file, re-reads a web
/// source or deletes one; `…/knowledge/{id}` shows a source's passages; `…/playground` ranks the
/// knowledge base for a question exactly as the chat would. Everything goes through the same
/// `TenantSources`, parser and playground as the API.
struct PanelKnowledgeController: RouteCollection {
    let maxUploadBytes: Int

    func boot(routes: any RoutesBuilder) throws {
        let tenant = PanelRoutes(routes).tenant
        let reading = tenant.grouped(AdminTenantMiddleware(needs: .viewer))
        let changing = tenant.grouped(AdminTenantMiddleware(needs: .operator))
        reading.get("knowledge", use: list)
        reading.get("knowledge", ":id", use: chunks)
        changing.on(.POST, "knowledge", "add", body: .collect(maxSize: PanelRoutes.formBytes), use: add)
        changing.on(.POST, "knowledge", "upload", body: .collect(maxSize: ByteCount(value: maxUploadBytes + 64 * 1024)), use: upload)
        changing.on(.POST, "knowledge", ":id", "delete", body: .collect(maxSize: PanelRoutes.formBytes), use: delete)
        changing.on(.POST, "knowledge", ":id", "reingest", body: .collect(maxSize: PanelRoutes.formBytes), use: reingest)
        reading.get("playground", use: playground)
        reading.on(.POST, "playground", body: .collect(maxSize: PanelRoutes.formBytes), use: rank)
    }

    struct SourceRow: Encodable {
        var id: String
        var title: String
        var kind: String
        var url: String?
        var status: String
        var failure: String?
        var chunks: Int
        var indexed: String?
        var refetchable: Bool

        init(_ source: KnowledgeSource) {
            id = source.id.description
            title = source.title
            kind = source.kind.rawValue
            url = source.url
            status = source.status.rawValue
            failure = source.failureReason
            chunks = source.chunkCount
            indexed = source.lastIndexedAt.map(PanelFormat.time)
            refetchable = source.kind == .url
        }
    }

    struct Knowledge: Encodable {
        var slug: String
        var canEdit: Bool
        var sources: [SourceRow]
        var maxUpload: String
        var form: AddForm?
    }

    struct ChunkRow: Encodable {
        var position: Int
        var heading: String
        var text: String
    }

    struct Chunks: Encodable {
        var slug: String
        var source: SourceRow
        var chunks: [ChunkRow]
    }

    struct AddForm: Codable {
        var kind: String
        var title: String?
        var url: String?
        var content: String?
        var faq: String?
    }

    struct Playground: Encodable {
        var slug: String
        var question: String
        var agent: String
        var agents: [String]
        var ranking: Ranked?
    }

    /// A ranking with its figures written for people (three decimals, milliseconds to a tenth).
    struct Ranked: Encodable {
        struct Place: Encodable {
            var rank: Int
            var score: String
        }

        struct Passage: Encodable {
            var rank: Int
            var title: String
            var text: String
            var score: String
            var lexical: Place?
            var dense: Place?
        }

        var mode: String
        var topK: Int
        var lexicalCandidates: Int
        var denseCandidates: Int
        var took: String
        var passages: [Passage]

        init(_ ranking: AdminPlaygroundController.Ranking) {
            func decimals(_ value: Double) -> String { String(format: "%.3f", value) }
            mode = ranking.mode
            topK = ranking.topK
            lexicalCandidates = ranking.lexicalCandidates
            denseCandidates = ranking.denseCandidates
            took = String(format: "%.1f ms", ranking.tookMs)
            passages = ranking.passages.map { passage in
                Passage(rank: passage.rank, title: passage.title, text: passage.text, score: decimals(passage.score),
                        lexical: passage.lexical.map { Place(rank: $0.rank, score: decimals($0.score)) },
                        dense: passage.dense.map { Place(rank: $0.rank, score: decimals($0.score)) })
            }
        }
    }

    struct PlaygroundForm: Decodable {
        var question: String
        var agent: String?
    }

    func list(_ request: Request) async throws -> Response {
        try await render(request, form: nil, problem: nil, status: .ok)
    }

    private func render(_ request: Request, form: AddForm?, problem: String?, status: HTTPResponseStatus) async throws -> Response {
        let context = try request.tenantContext
        let (tenant, role) = try await request.adminTenant(needs: .viewer)
        let sources = try await context.sources.list().sorted { $0.createdAt > $1.createdAt }
        var chrome = try await request.panelChrome(title: "Knowledge", tenant: (tenant, role), section: "knowledge")
        chrome.problem = problem
        let page = Knowledge(slug: tenant.slug, canEdit: role.includes(.operator), sources: sources.map(SourceRow.init),
                             maxUpload: ByteCountFormatter.string(fromByteCount: Int64(maxUploadBytes), countStyle: .file), form: form)
        return try await request.panel("knowledge", chrome, page, status: status)
    }

    func chunks(_ request: Request) async throws -> Response {
        let context = try request.tenantContext
        let (tenant, role) = try await request.adminTenant(needs: .viewer)
        guard let id = request.parameters.get("id").flatMap(SourceID.init(string:)), let source = try await context.sources.source(id),
              let chunks = try await context.sources.chunks(of: id) else { throw SourcesController.unknownSource }
        let page = Chunks(slug: tenant.slug, source: SourceRow(source),
                          chunks: chunks.map { ChunkRow(position: $0.position + 1, heading: $0.headingPath.joined(separator: " › "), text: $0.text) })
        return try await request.panel("chunks", try await request.panelChrome(title: source.title, tenant: (tenant, role), section: "knowledge"), page)
    }

    func add(_ request: Request) async throws -> Response {
        let form = try PanelForm.decode(AddForm.self, request)
        let context = try request.tenantContext
        let parser = SourceRequestParser(maxBytes: maxUploadBytes) { code in try await context.agentExists(code: code) }
        do {
            let input = try await parser.input(from: try Self.body(form))
            _ = try await context.sources.submit(input)
        } catch let error as ParleyError where [.invalidInput, .tooLarge, .conflict].contains(error.kind) {
            return try await render(request, form: form, problem: error.message, status: error.kind.httpStatus)
        }
        return request.redirect(to: "/admin/t/\(context.tenant.slug)/knowledge?done=source_added")
    }

    func upload(_ request: Request) async throws -> Response {
        let form = try PanelForm.decode(SourceUploadForm.self, request)
        let context = try request.tenantContext
        let parser = SourceRequestParser(maxBytes: maxUploadBytes) { code in try await context.agentExists(code: code) }
        do {
            _ = try await context.sources.submit(try await parser.input(fromUpload: form))
        } catch let error as ParleyError where [.invalidInput, .tooLarge, .conflict].contains(error.kind) {
            return try await render(request, form: nil, problem: error.message, status: error.kind.httpStatus)
        }
        return request.redirect(to: "/admin/t/\(context.tenant.slug)/knowledge?done=source_added")
    }

    func delete(_ request: Request) async throws -> Response {
        try PanelForm.requireToken(request)
        let context = try request.tenantContext
        guard let id = request.parameters.get("id").flatMap(SourceID.init(string:)), try await context.sources.delete(id) else {
            throw SourcesController.unknownSource
        }
        return request.redirect(to: "/admin/t/\(context.tenant.slug)/knowledge?done=source_deleted")
    }

    func reingest(_ request: Request) async throws -> Response {
        try PanelForm.requireToken(request)
        let context = try request.tenantContext
        guard let id = request.parameters.get("id").flatMap(SourceID.init(string:)), try await context.sources.reingest(id) != nil else {
            throw SourcesController.unknownSource
        }
        return request.redirect(to: "/admin/t/\(context.tenant.slug)/knowledge?done=source_queued")
    }

    func playground(_ request: Request) async throws -> Response {
        try await renderPlayground(request, question: "", agent: "", ranking: nil, problem: nil, status: .ok)
    }

    func rank(_ request: Request) async throws -> Response {
        let form = try PanelForm.decode(PlaygroundForm.self, request)
        let agent = form.agent.flatMap { $0.isEmpty ? nil : $0 }
        do {
            let ranking = try await AdminPlaygroundController.ranking(try request.tenantContext, question: form.question, agent: agent)
            return try await renderPlayground(request, question: form.question, agent: agent ?? "", ranking: Ranked(ranking), problem: nil, status: .ok)
        } catch let error as ParleyError where error.kind == .invalidInput || error.code == "unknown_agent" {
            return try await renderPlayground(request, question: String(form.question.prefix(4000)), agent: agent ?? "", ranking: nil,
                                              problem: error.message, status: error.kind.httpStatus)
        }
    }

    private func renderPlayground(_ request: Request, question: String, agent: String, ranking: Ranked?,
                                  problem: String?, status: HTTPResponseStatus) async throws -> Response {
        let context = try request.tenantContext
        let (tenant, role) = try await request.adminTenant(needs: .viewer)
        let agents = try await context.agentDesk.list().filter(\.settings.isEnabled).map(\.definition.code)
        var chrome = try await request.panelChrome(title: "Retrieval playground", tenant: (tenant, role), section: "playground")
        chrome.problem = problem
        return try await request.panel("playground", chrome, Playground(slug: tenant.slug, question: question, agent: agent, agents: agents,
                                                                        ranking: ranking), status: status)
    }

    /// The form's fields as the API's body. A FAQ is typed as blocks separated by a blank line:
    /// the first line is the question, the rest the answer ("Q:" and "A:" may lead them).
    static func body(_ form: AddForm) throws -> SourceRequestBody {
        let title = form.title.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        var body = SourceRequestBody(kind: form.kind, title: title, content: form.content, url: form.url?.trimmingCharacters(in: .whitespaces),
                                     agent: nil, faq: nil)
        if form.kind == "faq" {
            let text = (form.faq ?? "").replacingOccurrences(of: "\r\n", with: "\n")
            body.faq = try text.components(separatedBy: "\n\n").compactMap { block -> SourceRequestBody.FAQItem? in
                let lines = block.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                guard let first = lines.first else { return nil }
                guard lines.count >= 2 else {
                    throw ParleyError.badRequest("invalid_faq", "Every question needs an answer on the lines below it.")
                }
                func stripped(_ line: String, _ prefix: String) -> String {
                    line.lowercased().hasPrefix(prefix) ? String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces) : line
                }
                return .init(question: stripped(first, "q:"), answer: lines.dropFirst().enumerated().map { $0 == 0 ? stripped($1, "a:") : $1 }.joined(separator: "\n"))
            }
        }
        return body
    }
}
