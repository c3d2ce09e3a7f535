import Foundation

/// Which leads a list shows.
public struct LeadFilter: Sendable, Equatable {
    public var stage: LeadProfile.Stage?
    /// Leads changed at or after / before these instants.
    public var updatedFrom: Date?
    public var updatedBefore: Date?
    /// Part of the name, e-mail address or company (case-insensitive).
    public var search: String?
    /// Only leads with an e-mail address or a phone number.
    public var reachableOnly: Bool

    public static let maxSearchLength = 100

    public init(stage: LeadProfile.Stage? = nil, updatedFrom: Date? = nil, updatedBefore: Date? = nil, search: String? = nil,
                reachableOnly: Bool = false) {
        self.stage = stage
        self.updatedFrom = updatedFrom
        self.updatedBefore = updatedBefore
        self.search = search
        self.reachableOnly = reachableOnly
    }
}

/// One lead in a list, with its conversation.
public struct LeadListing: Sendable, Equatable {
    public var session: SessionID
    public var agentCode: String
    public var startedAt: Date
    public var lead: LeadProfile

    public init(session: SessionID, agentCode: String, startedAt: Date, lead: LeadProfile) {
        self.session = session
        self.agentCode = agentCode
        self.startedAt = startedAt
        self.lead = lead
    }

    /// Where the next page starts: leads are listed most recently changed first, one per
    /// conversation, so a conversation cursor (time, session) is a lead cursor.
    public var cursor: ConversationCursor {
        ConversationCursor(lastActivityAt: lead.updatedAt ?? startedAt, session: session)
    }
}

/// A tenant's leads for the sales team (the leads API, its CSV export and the panel).
public protocol LeadDirectory: Sendable {
    /// Most recently changed first, after `cursor`, at most `limit`.
    func leads(tenant: TenantID, filter: LeadFilter, after cursor: ConversationCursor?, limit: Int) async throws -> [LeadListing]
}
