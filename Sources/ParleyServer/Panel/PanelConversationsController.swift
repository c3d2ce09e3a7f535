import Fluent
import Foundation
import ParleyAccounts
import ParleyCore
import ParleyLeads
import ParleyStore
import Vapor

/// Conversations in the panel: `/admin/t/{slug}/conversations` (filters by agent, dates and
/// status, keyset pages, the same query as the API's list) and `…/conversations/{id}` (the
/// transcript: who said what, citations, and per answer the model, tokens, cost and latency).
struct PanelConversationsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let tenant = PanelRoutes(routes).tenant
        tenant.get("conversations", use: list)
        tenant.get("conversations", ":id", use: transcript)
        tenant.grouped(AdminTenantMiddleware(needs: .operator))
            .on(.POST, "conversations", ":id", "summary", body: .collect(maxSize: PanelRoutes.formBytes), use: summarize)
    }

    struct Row: Encodable {
        var id: String
        var agent: String
        var started: String
        var lastActivity: String
        var messages: Int
        var opening: String

        init(_ overview: ConversationOverview) {
            id = overview.session.id.description
            agent = overview.session.agentCode
            started = PanelFormat.time(overview.session.createdAt)
            lastActivity = PanelFormat.time(overview.session.lastActivityAt)
            messages = overview.messageCount
            opening = String(overview.opening.prefix(160))
        }
    }

    struct Filters: Encodable {
        var agent: String
        var from: String
        var to: String
        var status: String
    }

    struct List: Encodable {
        var slug: String
        var rows: [Row]
        var filters: Filters
        var agents: [String]
        var nextQuery: String?
    }

    struct Citation: Encodable {
        var number: Int
        var title: String
        var url: String?
    }

    struct Message: Encodable {
        var role: String
        var speaker: String
        var text: String
        var time: String
        var citations: [Citation]
        var model: String?
        var tokens: String?
        var cost: String?
        var latency: String?
        /// The answer's confidence, two decimals (answers stored before confidence existed have none).
        var confidence: String?
        var incomplete: Bool
    }

    /// The lead card: each known field in the order of `LeadProfile.Key`.
    struct Lead: Encodable {
        struct Row: Encodable {
            var label: String
            var value: String
            var confirmed: Bool
        }

        var stage: String
        var rows: [Row]
        var interests: [String]
        var preferences: [String]
        var consented: String?

        init(_ profile: LeadProfile) {
            stage = profile.stage.rawValue
            rows = LeadProfile.Key.allCases.compactMap { key in
                profile.fields[key].map { Row(label: key.label, value: $0.value, confirmed: $0.confirmed) }
            }
            interests = profile.interests.map(\.value)
            preferences = profile.preferences.map(\.value)
            consented = profile.contactConsentAt.map(PanelFormat.time)
        }
    }

    struct Summary: Encodable {
        var text: String
        var trigger: String
        var method: String
        var time: String
    }

    struct Email: Encodable {
        var to: String
        var subject: String
        var status: String
        var attempts: Int
        var time: String
    }

    struct Transcript: Encodable {
        var lead: Lead?
        var summary: Summary?
        var emails: [Email]
        var canSummarise: Bool
        var notice: String?
        var slug: String
        var id: String
        var agent: String
        var started: String
        var messages: [Message]
        var calls: Int
        var totalCost: String
    }

    func list(_ request: Request) async throws -> Response {
        let (tenant, role) = try await request.adminTenant(needs: .viewer)
        let (filter, cursor, limit) = try AdminConversationsController.query(request)
        let database = request.db(.parley)
        let page = try await SQLConversationReview(database: database).conversations(tenant: tenant.id, filter: filter, after: cursor, limit: limit)
        let filters = Filters(agent: filter.agent ?? "", from: request.query[String.self, at: "from"] ?? "",
                              to: request.query[String.self, at: "to"] ?? "", status: request.query[String.self, at: "status"] ?? "")
        var nextQuery: String?
        if page.count == limit, let last = page.last {
            var items = [URLQueryItem(name: "after", value: ConversationCursor(lastActivityAt: last.session.lastActivityAt, session: last.session.id).token)]
            for (name, value) in [("agent", filters.agent), ("from", filters.from), ("to", filters.to), ("status", filters.status)] where !value.isEmpty {
                items.append(URLQueryItem(name: name, value: value))
            }
            var components = URLComponents()
            components.queryItems = items
            nextQuery = components.percentEncodedQuery
        }
        let agents = try await FluentAgentStore(database: database).agents().map(\.code)
        let content = List(slug: tenant.slug, rows: page.map(Row.init), filters: filters, agents: agents, nextQuery: nextQuery)
        return try await request.panel("conversations", try await request.panelChrome(title: "Conversations", tenant: (tenant, role), section: "conversations"), content)
    }

    func transcript(_ request: Request) async throws -> Response {
        let (tenant, role) = try await request.adminTenant(needs: .viewer)
        let database = request.db(.parley)
        let store = FluentConversationStore(database: database)
        guard let id = request.parameters.get("id").flatMap(SessionID.init(string:)), let session = try await store.session(tenant: tenant.id, id: id) else {
            throw ParleyError.notFound("unknown_conversation", "This tenant has no such conversation.")
        }
        let messages = try await store.history(tenant: tenant.id, session: session.id, limit: 10_000)
        let calls = try await SQLConversationReview(database: database).modelCalls(tenant: tenant.id, session: session.id)
        let lead = try await FluentLeadProfileStore(database: database).profile(tenant: tenant.id, session: session.id)
        let summary = try await FluentSummaryStore(database: database).latest(tenant: tenant.id, session: session.id)
        let emails = try await FluentEmailOutbox(database: database).recent(tenant: tenant.id, session: session.id, limit: 20)
        let content = Transcript(
            lead: lead.map(Lead.init),
            summary: summary.map { Summary(text: $0.text, trigger: $0.trigger.rawValue.replacingOccurrences(of: "_", with: " "), method: $0.method,
                                           time: PanelFormat.time($0.createdAt)) },
            emails: emails.map { Email(to: $0.to, subject: $0.subject, status: $0.status, attempts: $0.attempts, time: PanelFormat.time($0.createdAt)) },
            canSummarise: role.includes(.operator), notice: PanelNotice.text(request.query[String.self, at: "done"]), slug: tenant.slug, id: session.id.description, agent: session.agentCode, started: PanelFormat.time(session.createdAt),
            messages: messages.map { Self.message($0, calls: calls) }, calls: calls.count,
            totalCost: PanelFormat.money(calls.compactMap(\.cost).reduce(0, +)))
        return try await request.panel("transcript", try await request.panelChrome(title: "Conversation", tenant: (tenant, role), section: "conversations"), content)
    }

    struct SummaryForm: Decodable {
        var email: String?
    }

    /// "Summarise" and "Summarise and e-mail" on the transcript (operators and up).
    func summarize(_ request: Request) async throws -> Response {
        let form = try PanelForm.decode(SummaryForm.self, request)
        let (tenant, _) = try await request.adminTenant(needs: .operator)
        guard let id = request.parameters.get("id").flatMap(SessionID.init(string:)) else {
            throw ParleyError.notFound("unknown_conversation", "This tenant has no such conversation.")
        }
        let emails = form.email == "1"
        try await request.application.parley.summaries(on: request.db(.parley))
            .summarize(session: id, tenant: tenant.id, trigger: .onDemand, mailing: emails ? .always : .never, logger: request.logger)
        return request.redirect(to: "/admin/t/\(tenant.slug)/conversations/\(id)?done=\(emails ? "summary_emailed" : "summary_written")")
    }

    /// One message as the transcript shows it; an answer's cost is its model call's, the call
    /// that finished closest after the answer was stored.
    static func message(_ message: StoredMessage, calls: [ConversationModelCall]) -> Message {
        let citations = (message.metadata["citations"]?.arrayValue ?? []).compactMap { item -> Citation? in
            guard let number = item["number"]?.doubleValue, let title = item["title"]?.stringValue else { return nil }
            // Only web links become links: a stored URL is shown, never followed as script.
            let url = item["url"]?.stringValue.flatMap { $0.hasPrefix("https://") || $0.hasPrefix("http://") ? $0 : nil }
            return Citation(number: Int(number), title: title, url: url)
        }
        let usage = message.metadata["usage"]
        let tokens = usage.flatMap { usage -> String? in
            guard let prompt = usage["prompt_tokens"]?.doubleValue, let completion = usage["completion_tokens"]?.doubleValue else { return nil }
            return "\(Int(prompt)) in, \(Int(completion)) out"
        }
        let isAnswer = message.role == .assistant
        let call = isAnswer ? calls.min { abs($0.createdAt.timeIntervalSince(message.createdAt)) < abs($1.createdAt.timeIntervalSince(message.createdAt)) } : nil
        return Message(role: message.role.rawValue, speaker: isAnswer ? "Assistant" : (message.role == .human ? "Visitor" : "System"),
                       text: message.content, time: PanelFormat.time(message.createdAt), citations: citations,
                       model: message.metadata["model"]?.stringValue, tokens: tokens,
                       cost: call?.cost.map(PanelFormat.money), latency: message.metadata["latency_ms"]?.doubleValue.map { "\(Int($0)) ms" },
                       confidence: message.metadata["confidence"]?["score"]?.doubleValue.map { String(format: "%.2f", $0) },
                       incomplete: !message.isComplete)
    }
}
