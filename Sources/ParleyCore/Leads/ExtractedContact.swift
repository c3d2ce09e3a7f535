/// What one visitor message says about the visitor, as far as rules can tell: the first stage of
/// a lead's profile (issue 17). Each value is a guess from the message's own words; merging
/// guesses into a profile, and confirmation, come later.
public struct ExtractedContact: Sendable, Equatable {
    public var name: String?
    public var email: String?
    public var phone: String?
    /// Products and services of the knowledge base the message names, in the catalogue's words.
    public var interests: [String]

    public init(name: String? = nil, email: String? = nil, phone: String? = nil, interests: [String] = []) {
        self.name = name
        self.email = email
        self.phone = phone
        self.interests = interests
    }

    public var isEmpty: Bool { name == nil && email == nil && phone == nil && interests.isEmpty }
}
