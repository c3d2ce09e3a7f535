import Foundation

/// What the sales team knows about one visitor (one conversation), field by field, with where
/// each value came from: the message it was read from, and whether the visitor confirmed it (the
/// lead form) or it was read from their words (a guess). Guesses never overwrite a confirmed
/// value; a newer guess replaces an older one; the stage only moves forward.
public struct LeadProfile: Sendable, Equatable {
    public enum Stage: String, Sendable, Codable, CaseIterable, Comparable {
        case new, engaged, qualified

        public static func < (lhs: Stage, rhs: Stage) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// One value and where it came from.
    public struct Field: Sendable, Equatable {
        public var value: String
        /// The message it was read from (nil: typed into a form).
        public var messageID: MessageID?
        public var confirmed: Bool

        public init(_ value: String, messageID: MessageID?, confirmed: Bool) {
            self.value = value
            self.messageID = messageID
            self.confirmed = confirmed
        }
    }

    public var name: Field?
    public var email: Field?
    public var phone: Field?
    /// Interests in the catalogue's words, each with the message that first named it.
    public var interests: [Field]
    public var stage: Stage
    /// When the profile last changed (set by the store).
    public var updatedAt: Date?

    public init(name: Field? = nil, email: Field? = nil, phone: Field? = nil, interests: [Field] = [], stage: Stage = .new,
                updatedAt: Date? = nil) {
        self.updatedAt = updatedAt
        self.name = name
        self.email = email
        self.phone = phone
        self.interests = interests
        self.stage = stage
    }

    /// The profile with what one message (or a form, `confirmed`) adds.
    public func merging(_ contact: ExtractedContact, from message: MessageID?, confirmed: Bool) -> LeadProfile {
        var merged = self
        merged.name = Self.merge(name, contact.name, message: message, confirmed: confirmed)
        merged.email = Self.merge(email, contact.email, message: message, confirmed: confirmed)
        merged.phone = Self.merge(phone, contact.phone, message: message, confirmed: confirmed)
        for interest in contact.interests where !merged.interests.contains(where: { $0.value == interest }) {
            merged.interests.append(Field(interest, messageID: message, confirmed: confirmed))
        }
        merged.stage = max(stage, merged.reachedStage)
        return merged
    }

    /// New: nothing known. Engaged: a name, a way to reach them or an interest. Qualified: a way
    /// to reach them and an interest.
    var reachedStage: Stage {
        let reachable = email != nil || phone != nil
        if reachable && !interests.isEmpty { return .qualified }
        return reachable || name != nil || !interests.isEmpty ? .engaged : .new
    }

    static func merge(_ current: Field?, _ incoming: String?, message: MessageID?, confirmed: Bool) -> Field? {
        guard let incoming, !incoming.isEmpty else { return current }
        guard let current else { return Field(incoming, messageID: message, confirmed: confirmed) }
        if current.value == incoming {
            // The same value again: it keeps where it was first read, and a confirmation sticks.
            var kept = current
            kept.confirmed = current.confirmed || confirmed
            return kept
        }
        if current.confirmed && !confirmed { return current }
        return Field(incoming, messageID: message, confirmed: confirmed)
    }
}

/// Each conversation's lead profile (`profiles`), one per session, always read and written with
/// its tenant.
public protocol LeadProfileStore: Sendable {
    func profile(tenant: TenantID, session: SessionID) async throws -> LeadProfile?
    /// Creates or replaces the session's profile.
    func save(_ profile: LeadProfile, tenant: TenantID, session: SessionID) async throws
}
