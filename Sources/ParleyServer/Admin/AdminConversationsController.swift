import Fluent
import Foundation
import ParleyAccounts
import ParleyCore
import ParleyStore
import Vapor

/// One tenant's conversations for its people (viewer and up):
/// `GET /api/v1/admin/tenants/{slug}/conversations?agent=&from=&to=&status=active|idle&limit=&after=`
/// lists them newest activity first, keyset-paged (`next` is the `after` of the next page);
/// `GET …/conversations/{id}` is the transcript: every message with its citations, model, tokens
/// and latency, the conversation's LLM calls with their cost, its lead, newest summary and e-mails.
struct AdminConversationsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let conversations = routes.grouped("api", "v1", "admin", "tenants", ":slug", "conversations").grouped(AdminCallerMiddleware())
        conversations.get(use: list)
        conversations.get(":id", use: transcript)
    }

    struct Overview: Content {
        var id: String
        var agent: String
        var startedAt: Date
        var lastActivityAt: Date
        var messageCount: Int
        var opening: String

        enum CodingKeys: String, CodingKey {
            case id, agent, opening
            case startedAt = "started_at", lastActivityAt = "last_activity_at", messageCount = "message_count"
        }
    }

    struct Page: Content {
        var conversations: [Overview]
        var next: String?
    }

    struct Message: Content {
        var id: String
        var role: String
        var content: String
        var createdAt: Date
        var citations: JSONValue?
        var model: String?
        var usage: JSONValue?
        var latencyMs: Int?
        var complete: Bool

        enum CodingKeys: String, CodingKey {
            case id, role, content, citations, model, usage, complete
            case createdAt = "created_at", latencyMs = "latency_ms"
        }
    }

    struct ModelCall: Content {
        var provider: String
        var model: String
        var promptTokens: Int?
        var completionTokens: Int?
        var cost: Double?
        var latencyMs: Int
        var succeeded: Bool
        var createdAt: Date

        enum CodingKeys: String, CodingKey {
            case provider, model, cost, succeeded
            case promptTokens = "prompt_tokens", completionTokens = "completion_tokens", latencyMs = "latency_ms", createdAt = "created_at"
        }
    }

    struct Transcript: Content {
        var id: String
        var agent: String
        var startedAt: Date
        var lastActivityAt: Date
        var messages: [Message]
        var modelCalls: [ModelCall]
        var totalCost: Double
        var lead: LeadDTO?
        var summary: SummaryDTO?
        var emails: [EmailDTO]

        enum CodingKeys: String, CodingKey {
            case id, agent, messages, lead, summary, emails
            case startedAt = "started_at", lastActivityAt = "last_activity_at", modelCalls = "model_calls", totalCost = "total_cost"
        }
    }

    func list(_ request: Request) async throws -> Page {
        let tenant = try await tenant(request)
        let (filter, cursor, limit) = try Self.query(request)
        let page = try await SQLConversationReview(database: request.db(.parley)).conversations(tenant: tenant.id, filter: filter, after: cursor, limit: limit)
        let next = page.count == limit ? page.last.map { ConversationCursor(lastActivityAt: $0.session.lastActivityAt, session: $0.session.id).token } : nil
        return Page(conversations: page.map { overview in
            Overview(id: overview.session.id.description, agent: overview.session.agentCode, startedAt: overview.session.createdAt,
                     lastActivityAt: overview.session.lastActivityAt, messageCount: overview.messageCount, opening: overview.opening)
        }, next: next)
    }

    func transcript(_ request: Request) async throws -> Transcript {
        let tenant = try await tenant(request)
        let store = FluentConversationStore(database: request.db(.parley))
        guard let id = request.parameters.get("id").flatMap(SessionID.init(string:)), let session = try await store.session(tenant: tenant.id, id: id) else {
            throw ParleyError.notFound("unknown_conversation", "This tenant has no such conversation.")
        }
        let messages = try await store.history(tenant: tenant.id, session: session.id, limit: 10_000)
        let calls = try await SQLConversationReview(database: request.db(.parley)).modelCalls(tenant: tenant.id, session: session.id)
        return Transcript(id: session.id.description, agent: session.agentCode, startedAt: session.createdAt, lastActivityAt: session.lastActivityAt,
                          messages: messages.map { message in
                              Message(id: message.id.description, role: message.role.rawValue, content: message.content, createdAt: message.createdAt,
                                      citations: message.metadata["citations"], model: message.metadata["model"]?.stringValue,
                                      usage: message.metadata["usage"], latencyMs: message.metadata["latency_ms"]?.doubleValue.map { Int($0) },
                                      complete: message.isComplete)
                          },
                          modelCalls: calls.map { call in
                              ModelCall(provider: call.provider, model: call.model, promptTokens: call.promptTokens, completionTokens: call.completionTokens,
                                        cost: call.cost, latencyMs: call.latencyMs, succeeded: call.succeeded, createdAt: call.createdAt)
                          },
                          totalCost: calls.compactMap(\.cost).reduce(0, +),
                          lead: try await FluentLeadProfileStore(database: request.db(.parley)).profile(tenant: tenant.id, session: session.id).map(LeadDTO.init),
                          summary: try await FluentSummaryStore(database: request.db(.parley)).latest(tenant: tenant.id, session: session.id).map(SummaryDTO.init),
                          emails: try await FluentEmailOutbox(database: request.db(.parley)).recent(tenant: tenant.id, session: session.id, limit: 20).map(EmailDTO.init))
    }

    /// The list's filter, cursor and page size from the query (`agent`, `from`, `to`, `status`,
    /// `after`, `limit`), checked; the panel's list reads the same query.
    static func query(_ request: Request) throws -> (ConversationFilter, ConversationCursor?, Int) {
        let config = request.application.parley.config
        var filter = ConversationFilter()
        if let agent = request.query[String.self, at: "agent"], !agent.isEmpty {
            guard ConfigLoader.isAgentCode(agent) else { throw ParleyError.badRequest("invalid_agent", "agent must be an agent code like sales.") }
            filter.agent = agent
        }
        filter.startedFrom = try Self.date(request, "from")
        filter.startedBefore = try Self.date(request, "to")
        switch request.query[String.self, at: "status"] {
        case nil, "": break
        case "active": filter.activeSince = Date().addingTimeInterval(-Double(config.chat.inactivityMinutes) * 60)
        case "idle": filter.idleSince = Date().addingTimeInterval(-Double(config.chat.inactivityMinutes) * 60)
        default: throw ParleyError.badRequest("invalid_status", "status must be active or idle.")
        }
        let page = try request.pageQuery()
        return (filter, page.cursor, page.limit)
    }

    private func tenant(_ request: Request) async throws -> Tenant {
        try await request.adminTenant(needs: .viewer).0
    }

    /// A query date: `2026-12-05` or a full ISO 8601 instant.
    static func date(_ request: Request, _ name: String) throws -> Date? {
        guard let text = request.query[String.self, at: name], !text.isEmpty else { return nil }
        let full = ISO8601DateFormatter()
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        guard text.count <= 40, let date = full.date(from: text) ?? day.date(from: text) else {
            throw ParleyError.badRequest("invalid_date", "\(name) must be a date like 2026-12-05 or 2026-12-05T09:30:00Z.")
        }
        return date
    }
}
