import ParleyCore

/// The deterministic extractor: what rules alone can take from a visitor's message (the
/// answerer without an LLM, and the fallback when a model's structured output fails). Linear in
/// the message, which is bounded by `chat.max_message_chars`.
public struct ContactExtractor: Sendable {
    private let catalogue: InterestCatalogue
    private let vocabulary: Set<String>

    public init(catalogue: InterestCatalogue) {
        self.catalogue = catalogue
        vocabulary = catalogue.vocabulary
    }

    public func extract(from message: String) -> ExtractedContact {
        ExtractedContact(name: SelfIntroductions.name(in: message, catalogueWords: vocabulary),
                         email: LinearRedaction.emailAddresses(in: message).first?.lowercased(),
                         phone: PhoneNumbers.first(in: message),
                         interests: catalogue.interests(in: message))
    }
}
