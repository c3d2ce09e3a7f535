import Foundation
import Logging
import ParleyCore
import ParleyJobs

/// Reads one visitor message into the conversation's lead profile, merged as a guess: the
/// deterministic extractor against the tenant's catalogue (its knowledge base's titles and
/// headings) and, when a model is available for the tenant, the model reading the message with
/// the few before it. The rules' e-mail and phone win over the model's (they are exact); the
/// model adds what rules cannot read (company, address, buying signals, preferences). A model
/// that fails leaves the rules' reading. Running it twice for a message changes nothing the
/// second time when the readings agree.
public struct LeadExtraction: Sendable {
    private let conversations: any ConversationStore
    private let profiles: any LeadProfileStore
    private let catalogue: @Sendable (TenantID) async throws -> InterestCatalogue
    private let model: @Sendable (TenantID) async -> ModelLeadExtractor?
    private let usesRules: Bool
    private let contextMessages: Int
    private let onChange: @Sendable (LeadChange) async -> Void

    /// `model` gives the tenant's model extractor, or nil (none configured, budget spent,
    /// `leads.extraction: rules`); `usesRules` is false only with `leads.extraction: model`.
    public init(conversations: any ConversationStore, profiles: any LeadProfileStore,
                catalogue: @escaping @Sendable (TenantID) async throws -> InterestCatalogue,
                model: @escaping @Sendable (TenantID) async -> ModelLeadExtractor? = { _ in nil },
                usesRules: Bool = true, contextMessages: Int = 4, onChange: @escaping @Sendable (LeadChange) async -> Void = { _ in }) {
        self.onChange = onChange
        self.conversations = conversations
        self.profiles = profiles
        self.catalogue = catalogue
        self.model = model
        self.usesRules = usesRules
        self.contextMessages = max(0, min(contextMessages, 20))
    }

    /// Returns the profile as it is after the message (nil when the message is not the visitor's).
    @discardableResult
    public func read(message id: MessageID, tenant: TenantID, logger: Logger = Logger(label: "parley.leads")) async throws -> LeadProfile? {
        guard let message = try await conversations.message(tenant: tenant, id: id), message.role == .human else { return nil }
        let catalogue = try await catalogue(tenant)
        let rules = ContactExtractor(catalogue: catalogue).extract(from: message.content)
        var found = rules
        if let extractor = await model(tenant) {
            do {
                let context = try await conversations.recentMessages(tenant: tenant, session: message.sessionID, limit: contextMessages, before: message.id)
                let read = try await extractor.extract(from: message.content, context: context.map(TranscriptLine.init), catalogue: catalogue.names,
                                                       call: LLMCallContext(tenantID: tenant, sessionID: message.sessionID, logger: logger))
                found = usesRules ? Self.combined(model: read, rules: rules) : read
            } catch {
                logger.warning("lead model failed; the rules' reading stands", metadata: ["event": "lead_model_failed", "error_type": "\(type(of: error))"])
            }
        }
        let current = try await profiles.profile(tenant: tenant, session: message.sessionID) ?? LeadProfile()
        // Nothing new (the message said nothing, or it was read before): nothing is written.
        let merged = current.merging(found, from: message.id, confirmed: false)
        guard merged != current else { return current }
        let created = try await profiles.save(merged, tenant: tenant, session: message.sessionID)
        await onChange(LeadChange(tenant: tenant, session: message.sessionID, lead: merged, created: created))
        return merged
    }

    /// The model's reading with the rules' exact values over it, and both readings' interests.
    static func combined(model: ExtractedContact, rules: ExtractedContact) -> ExtractedContact {
        var values = model.values
        for key in [LeadProfile.Key.email, .phone] { if let exact = rules.values[key] { values[key] = exact } }
        if values[.name] == nil { values[.name] = rules.values[.name] }
        var interests = rules.interests
        for interest in model.interests where !interests.contains(where: { $0.lowercased() == interest.lowercased() }) { interests.append(interest) }
        return ExtractedContact(values: values, interests: interests, preferences: model.preferences)
    }
}

/// The job queued after each visitor message (`leads.extract`), so that reading it never holds
/// up the answer.
public struct LeadExtractionJob: JobHandler {
    public struct Payload: Codable, Sendable {
        public var messageID: MessageID

        public init(messageID: MessageID) { self.messageID = messageID }

        enum CodingKeys: String, CodingKey { case messageID = "message_id" }
    }

    public static let kind: JobKind = "leads.extract"
    let extraction: LeadExtraction

    public init(extraction: LeadExtraction) {
        self.extraction = extraction
    }

    public func run(_ payload: Payload, context: JobContext) async throws {
        guard let tenant = context.tenantID else { throw PermanentJobFailure("a lead extraction job must name its tenant") }
        let profile = try await extraction.read(message: payload.messageID, tenant: tenant, logger: context.logger)
        context.logger.debug("lead read", metadata: ["event": "lead_extracted", "stage": "\(profile?.stage.rawValue ?? "-")"])
    }
}
