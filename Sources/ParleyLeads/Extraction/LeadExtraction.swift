import Foundation
import Logging
import ParleyCore
import ParleyJobs

/// Reads one visitor message into the conversation's lead profile: the deterministic extractor
/// against the tenant's catalogue (its knowledge base's titles and headings), merged as a guess.
/// Running it twice for a message changes nothing the second time.
public struct LeadExtraction: Sendable {
    private let conversations: any ConversationStore
    private let profiles: any LeadProfileStore
    private let catalogue: @Sendable (TenantID) async throws -> InterestCatalogue

    public init(conversations: any ConversationStore, profiles: any LeadProfileStore,
                catalogue: @escaping @Sendable (TenantID) async throws -> InterestCatalogue) {
        self.conversations = conversations
        self.profiles = profiles
        self.catalogue = catalogue
    }

    /// Returns the profile as it is after the message (nil when the message is not the visitor's).
    @discardableResult
    public func read(message id: MessageID, tenant: TenantID) async throws -> LeadProfile? {
        guard let message = try await conversations.message(tenant: tenant, id: id), message.role == .human else { return nil }
        let found = ContactExtractor(catalogue: try await catalogue(tenant)).extract(from: message.content)
        let current = try await profiles.profile(tenant: tenant, session: message.sessionID) ?? LeadProfile()
        // Nothing new (the message said nothing, or it was read before): nothing is written.
        let merged = current.merging(found, from: message.id, confirmed: false)
        guard merged != current else { return current }
        try await profiles.save(merged, tenant: tenant, session: message.sessionID)
        return merged
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
        let profile = try await extraction.read(message: payload.messageID, tenant: tenant)
        context.logger.debug("lead read", metadata: ["event": "lead_extracted", "stage": "\(profile?.stage.rawValue ?? "-")"])
    }
}
