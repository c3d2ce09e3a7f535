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

    /// The single-valued fields of a lead, as stored, exported and shown.
    public enum Key: String, Sendable, Codable, CaseIterable {
        case name, email, phone, company
        case street, city, state, zip
        /// Buying signals: how many, how much money, by when.
        case quantity, budget, timeline
        /// What the visitor wrote in the lead form's note.
        case note

        /// The longest value kept (longer values are cut, never refused: they come from free text).
        public var maxLength: Int { self == .note ? 1000 : 200 }

        public var label: String {
            switch self {
            case .name: "Name"
            case .email: "E-mail"
            case .phone: "Phone"
            case .company: "Company"
            case .street: "Street"
            case .city: "City"
            case .state: "State"
            case .zip: "Postcode"
            case .quantity: "Quantity"
            case .budget: "Budget"
            case .timeline: "Timeline"
            case .note: "Note"
            }
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

    public var fields: [Key: Field]
    /// Interests in the catalogue's words, each with the message that first named it.
    public var interests: [Field]
    /// Preferences in the visitor's words, each with the message that first said it.
    public var preferences: [Field]
    public var stage: Stage
    /// When the visitor agreed, in the lead form, to be contacted.
    public var contactConsentAt: Date?
    /// When the profile last changed (set by the store).
    public var updatedAt: Date?

    public init(fields: [Key: Field] = [:], interests: [Field] = [], preferences: [Field] = [], stage: Stage = .new,
                contactConsentAt: Date? = nil, updatedAt: Date? = nil) {
        self.fields = fields
        self.interests = interests
        self.preferences = preferences
        self.stage = stage
        self.contactConsentAt = contactConsentAt
        self.updatedAt = updatedAt
    }

    public var name: Field? { fields[.name] }
    public var email: Field? { fields[.email] }
    public var phone: Field? { fields[.phone] }

    /// Whether the team can reach the visitor.
    public var isReachable: Bool { email != nil || phone != nil }

    /// The profile with what one message (or a form, `confirmed`) adds.
    public func merging(_ contact: ExtractedContact, from message: MessageID?, confirmed: Bool) -> LeadProfile {
        var merged = self
        for (key, value) in contact.values {
            merged.fields[key] = Self.merge(fields[key], String(value.prefix(key.maxLength)), message: message, confirmed: confirmed)
        }
        for interest in contact.interests where !merged.interests.contains(where: { $0.value == interest }) {
            merged.interests.append(Field(interest, messageID: message, confirmed: confirmed))
        }
        for preference in contact.preferences.map({ String($0.prefix(200)) })
            where !merged.preferences.contains(where: { $0.value.lowercased() == preference.lowercased() }) && merged.preferences.count < 20 {
            merged.preferences.append(Field(preference, messageID: message, confirmed: confirmed))
        }
        merged.stage = max(stage, merged.reachedStage)
        return merged
    }

    /// New: nothing known. Engaged: a name, a way to reach them or an interest. Qualified: a way
    /// to reach them and an interest or a buying signal.
    var reachedStage: Stage {
        let wants = !interests.isEmpty || [Key.quantity, .budget, .timeline].contains { fields[$0] != nil }
        if isReachable && wants { return .qualified }
        return isReachable || name != nil || wants ? .engaged : .new
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
    /// Creates or replaces the session's profile; returns whether it was created.
    @discardableResult
    func save(_ profile: LeadProfile, tenant: TenantID, session: SessionID) async throws -> Bool
}
