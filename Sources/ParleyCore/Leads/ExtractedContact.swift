/// What one visitor message (or the lead form, or a model reading the conversation) says about
/// the visitor: each value a guess from their words until it is merged as confirmed.
public struct ExtractedContact: Sendable, Equatable {
    /// One value per field (name, e-mail, phone, company, address, buying signals, note).
    public var values: [LeadProfile.Key: String]
    /// Products and services of the knowledge base the message names, in the catalogue's words.
    public var interests: [String]
    /// What the visitor prefers (a colour, a way to be contacted), in short phrases.
    public var preferences: [String]

    public init(values: [LeadProfile.Key: String] = [:], interests: [String] = [], preferences: [String] = []) {
        self.values = values.filter { !$0.value.isEmpty }
        self.interests = interests
        self.preferences = preferences
    }

    public init(name: String? = nil, email: String? = nil, phone: String? = nil, interests: [String] = []) {
        var values: [LeadProfile.Key: String] = [:]
        values[.name] = name
        values[.email] = email
        values[.phone] = phone
        self.init(values: values, interests: interests)
    }

    public var name: String? { values[.name] }
    public var email: String? { values[.email] }
    public var phone: String? { values[.phone] }

    public var isEmpty: Bool { values.isEmpty && interests.isEmpty && preferences.isEmpty }
}
