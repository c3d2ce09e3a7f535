import Foundation

public enum SummaryTag {}
public typealias SummaryID = Identifier<SummaryTag>

/// A conversation told in a few lines for the sales team (`conversation_summaries`).
public struct ConversationSummary: Sendable, Equatable {
    /// Why it was written.
    public enum Trigger: String, Sendable, Codable, CaseIterable {
        /// The visitor sent the lead form.
        case leadForm = "lead_form"
        /// Nobody wrote for `chat.inactivity_minutes`.
        case inactivity
        /// Someone asked for it (API or panel).
        case onDemand = "on_demand"
    }

    public var id: SummaryID
    public var sessionID: SessionID
    public var text: String
    public var trigger: Trigger
    /// `extractive`, or `llm:<model>` when a model wrote it.
    public var method: String
    public var createdAt: Date

    public init(id: SummaryID = SummaryID(), sessionID: SessionID, text: String, trigger: Trigger, method: String, createdAt: Date = Date()) {
        self.id = id
        self.sessionID = sessionID
        self.text = text
        self.trigger = trigger
        self.method = method
        self.createdAt = createdAt
    }
}

/// Summaries of one tenant's conversations, always read and written with the tenant.
public protocol ConversationSummaryStore: Sendable {
    func save(_ summary: ConversationSummary, tenant: TenantID) async throws
    /// The conversation's newest summary.
    func latest(tenant: TenantID, session: SessionID) async throws -> ConversationSummary?
    /// Conversations (of every tenant) whose last activity lies in `from..<until` and which have
    /// no summary written since their visitor's last message, with that message's time (which
    /// names the quiet spell): the inactivity sweep's work, oldest first.
    func idleWithoutSummary(from: Date, until: Date, limit: Int) async throws -> [(tenant: TenantID, session: SessionID, visitorWroteAt: Date)]
}
