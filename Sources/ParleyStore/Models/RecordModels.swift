import FluentKit
import Foundation

/// Row of `conversation_summaries` (seed 000): written by the summaries feature.
final class ConversationSummaryModel: Model, @unchecked Sendable {
    static let schema = "conversation_summaries"

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "session_id") var sessionID: UUID
    @Field(key: "summary") var summary: String
    @OptionalField(key: "trigger") var trigger: String?
    @OptionalField(key: "method") var method: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// Row of `profiles` (seed 000): what a visitor told us about themselves.
final class ProfileModel: Model, @unchecked Sendable {
    static let schema = "profiles"

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "session_id") var sessionID: UUID
    @OptionalField(key: "customer_name") var customerName: String?
    @OptionalField(key: "company") var company: String?
    @OptionalField(key: "phone") var phone: String?
    @OptionalField(key: "email") var email: String?
    @OptionalField(key: "address_street") var addressStreet: String?
    @OptionalField(key: "address_city") var addressCity: String?
    @OptionalField(key: "address_state") var addressState: String?
    @OptionalField(key: "address_zip") var addressZip: String?
    @Field(key: "products_of_interest") var productsOfInterest: [String]
    @Field(key: "services_of_interest") var servicesOfInterest: [String]
    @Field(key: "preferences") var preferences: JSONObject
    @OptionalField(key: "stage") var stage: String?
    @OptionalField(key: "sources") var sources: JSONObject?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

/// Row of `email_events` (seed 000): one e-mail (`body` is its HTML part, or its text when it has
/// no HTML), its status and, in `provider_response.attempts`, every delivery attempt.
final class EmailEventModel: Model, @unchecked Sendable {
    static let schema = "email_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @OptionalField(key: "session_id") var sessionID: UUID?
    @Field(key: "to_email") var toEmail: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    @Field(key: "provider_response") var providerResponse: JSONObject
    @Field(key: "status") var status: String
    @OptionalField(key: "kind") var kind: String?
    @OptionalField(key: "text_body") var textBody: String?
    @OptionalField(key: "attempts") var attempts: Int?
    @OptionalField(key: "provider_message_id") var providerMessageID: String?
    @OptionalField(key: "idempotency_key") var idempotencyKey: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

/// Row of `otp_links` (seed 000): one-time codes for linking sessions or deleting data.
final class OTPLinkModel: Model, @unchecked Sendable {
    static let schema = "otp_links"

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "email") var email: String
    @Field(key: "purpose") var purpose: String
    @Field(key: "otp_hash") var otpHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "consumed_at") var consumedAt: Date?

    init() {}
}
